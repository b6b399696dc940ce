"""Filling in the application form through the web layer, section by section, as a jobseeker does."""

from __future__ import annotations

import html
import re

SECTION_ANSWERS: dict[str, dict[str, str]] = {
    "personal-details": {"phone": "07700 900982", "town": "York", "postcode": "yo1 7hh"},
    "professional-status": {"qts_status": "awarded", "trn": "1234567", "qts_year": "2016"},
    "qualifications": {
        "items-0-name": "PGCE",
        "items-0-subject": "Geography",
        "items-0-institution": "University of York",
        "items-0-year": "2016",
    },
    "employment-history": {
        "items-0-job_title": "Teacher of Geography",
        "items-0-employer": "Hillside School",
        "items-0-start": "09/2016",
        "items-0-end": "",
    },
    "referees": {
        "items-0-name": "Sam Jones",
        "items-0-job_title": "Headteacher",
        "items-0-organisation": "Hillside School",
        "items-0-email": "head@hillside.example.org",
        "items-0-relationship": "My current headteacher",
        "items-1-name": "Alex Brown",
        "items-1-job_title": "Head of Humanities",
        "items-1-organisation": "Hillside School",
        "items-1-email": "humanities@hillside.example.org",
        "items-1-relationship": "My line manager",
    },
    "personal-statement": {"text": "I have led fieldwork trips for eight years."},
    "interview-support": {"needed": "no", "details": ""},
    "declarations": {"right_to_work": "yes", "safeguarding": "no", "close_relationships": "no"},
}


def fill_application(client, vacancy_id: int, statement: str | None = None, **changes: dict) -> None:
    """Answer every section of the application for `vacancy_id`, each saved as the draft."""
    client.get(f"/jobs/{vacancy_id}/apply")
    for slug, answers in SECTION_ANSWERS.items():
        data = {**answers, **changes.get(slug.replace("-", "_"), {})}
        if slug == "personal-details" and "full_name" not in data:
            # Keep the name the form was prefilled with, as a person who only checks it does.
            page = client.get(f"/jobs/{vacancy_id}/apply/{slug}").get_data(as_text=True)
            data["full_name"] = html.unescape(
                re.search(r'name="full_name"[^>]*value="([^"]*)"', page).group(1)
            )
        if slug == "personal-statement" and statement is not None:
            data = {"text": statement}
        response = client.post(f"/jobs/{vacancy_id}/apply/{slug}", data=data)
        assert response.status_code == 302, (slug, response.get_data(as_text=True)[:3000])


def apply(client, vacancy_id: int, statement: str | None = None):
    """Fill in the whole form and send it; returns the response to sending."""
    fill_application(client, vacancy_id, statement)
    return client.post(f"/jobs/{vacancy_id}/apply/check-your-answers")
