"""The audit log's action names are a closed list that every writer and reader shares."""

import pytest

from marketplace.audit import AuditAction
from marketplace.moderation.policy import Outcome
from marketplace.vacancies.lifecycle import VacancyAction


@pytest.mark.parametrize("action", list(VacancyAction))
def test_every_lifecycle_transition_has_its_event(action):
    assert AuditAction.of_vacancy(action).subject == "vacancy"


@pytest.mark.parametrize("outcome", list(Outcome))
def test_every_policy_verdict_has_its_event(outcome):
    assert AuditAction.of_policy(outcome).value == f"policy.{outcome}"


def test_a_name_nobody_declared_is_refused():
    with pytest.raises(ValueError, match=r"vacancy\.teleport"):
        AuditAction.of_vacancy("teleport")
