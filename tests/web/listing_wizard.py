"""Filling in the listing wizard through the test client, section by section, as a school would."""

from __future__ import annotations

import re

SECTIONS = {
    "job-details": ("organisation_id", "title", "job_roles", "phases"),
    "key-stages-and-subjects": ("key_stages", "subjects"),
    "working-pattern": (
        "working_patterns",
        "job_share",
        "hours_per_week",
        "fte",
        "term_time_only",
        "contract_type",
        "fixed_term_length",
        "parental_leave_cover",
    ),
    "pay": ("salary", "salary_minimum", "salary_maximum", "actual_salary", "hourly_rate_pence"),
    "important-dates": ("publish_when", "publish_on", "closing_date", "closing_time", "starts_on"),
    "about-the-role": ("about_role", "what_school_offers", "ect_status", "visa_sponsorship"),
    "documents": (),
    "how-to-apply": (
        "how_to_apply",
        "application_url",
        "application_email",
        "contact_email",
        "external_reference",
    ),
}


def section_data(form: dict, section: str, **extra) -> dict:
    data = {name: form[name] for name in SECTIONS[section] if name in form}
    if section == "important-dates" and "publish_when" not in form:
        data["publish_when"] = "date"
    data.update(extra)
    return data


def vacancy_id_from(location: str) -> int:
    return int(re.search(r"/vacancies/(\d+)/", location).group(1))


def post_listing(client, form: dict, *, vacancy_id: int | None = None, submit: bool = False):
    """Answer every section with `form` (the names of the vacancy questions), then optionally submit.

    Returns the first response that is not a redirect (a section that refused its answers), or the last
    response. Findings from the checks are acknowledged (as a school pressing "Save and continue" again).
    """
    if vacancy_id is None:
        response = client.post("/school/vacancies/new", data=section_data(form, "job-details"))
        if response.status_code != 302:
            return response
        vacancy_id = vacancy_id_from(response.headers["Location"])
        sections = list(SECTIONS)[1:]
    else:
        sections = list(SECTIONS)
    for section in sections:
        response = client.post(
            f"/school/vacancies/{vacancy_id}/edit/{section}",
            data=section_data(form, section, seen_checks="1"),
        )
        if response.status_code != 302:
            return response
    if submit:
        data = {}
        if "message_to_moderator" in form:
            data["message_to_moderator"] = form["message_to_moderator"]
        response = client.post(f"/school/vacancies/{vacancy_id}/check-your-answers", data=data)
    return response
