"""The wizard's sections and its conditional questions, without a database."""

import dataclasses
import datetime as dt

from marketplace.vacancies import steps
from marketplace.vacancies.details import VacancyDetails


def _details(**changes) -> VacancyDetails:
    today = dt.date(2027, 1, 4)
    values = {field.name: None for field in dataclasses.fields(VacancyDetails)}
    values.update(
        title="Teacher",
        job_roles=["teacher"],
        phases=["secondary"],
        key_stages=["ks3", "ks1"],
        subjects=["Mathematics"],
        working_patterns=["full_time"],
        publish_on=today,
        closing_date=today,
        closing_time="12:00",
    )
    values.update(changes)
    return VacancyDetails(**values)


def test_key_stages_match_the_phases_chosen():
    assert steps.key_stages_for(["nursery"]) == ["early_years"]
    assert steps.key_stages_for(["primary"]) == ["early_years", "ks1", "ks2"]
    assert steps.key_stages_for(["secondary", "sixth_form_or_college"]) == ["ks3", "ks4", "ks5"]
    assert steps.key_stages_for(["through"]) == ["early_years", "ks1", "ks2", "ks3", "ks4", "ks5"]
    assert steps.key_stages_for(["unknown"]) == []


def test_subjects_are_asked_for_secondary_and_post_16_phases_only():
    assert steps.asks_subjects(["secondary"])
    assert steps.asks_subjects(["primary", "sixth_form_or_college"])
    assert not steps.asks_subjects(["primary"])
    assert not steps.asks_subjects(["nursery"])


def test_answers_that_no_longer_fit_the_phases_are_dropped():
    assert steps.fitted(_details()).key_stages == ["ks3"]
    primary = steps.fitted(_details(phases=["primary"]))
    assert primary.key_stages == ["ks1"]
    assert primary.subjects == []


def test_sections_in_order_and_the_first_unanswered():
    assert [step.slug for step in steps.STEPS][:2] == ["job-details", "key-stages-and-subjects"]
    assert steps.next_step(steps.STEPS[-1]) is None
    assert steps.previous_step(steps.STEPS[0]) is None

    class Draft:
        unanswered_steps = ["how-to-apply", "pay"]

    assert steps.first_unanswered(Draft()).slug == "pay"
    Draft.unanswered_steps = []
    assert steps.first_unanswered(Draft()) is None
