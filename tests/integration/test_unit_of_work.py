"""The unit of work commits a use-case whole or not at all."""

import pytest
import sqlalchemy as sa

from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.unit_of_work import unit_of_work
from tests.factories import OrganisationFactory


def test_a_domain_error_keeps_its_message_and_field_errors():
    error = DomainError(field_errors={"title": "Enter a title", "salary": "Enter the pay"})
    assert str(error) == "Enter a title; Enter the pay"
    assert error.field_errors["title"] == "Enter a title"
    assert DomainError("Closed already").message == "Closed already"


def _add_school(name: str, then: Exception | None = None) -> None:
    db.session.add(OrganisationFactory.build(name=name, slug=name.lower().replace(" ", "-")))
    db.session.flush()
    if then is not None:
        raise then


def _names() -> set[str]:
    return set(db.session.scalars(sa.text("select name from organisations")))


def test_commits_on_success_and_rolls_back_on_a_refusal_or_a_fault(app):
    with unit_of_work():
        _add_school("Kept Academy")
    with pytest.raises(DomainError), unit_of_work():
        _add_school("Refused Academy", then=DomainError("No"))
    with pytest.raises(ZeroDivisionError), unit_of_work():
        _add_school("Broken Academy", then=ZeroDivisionError())
    db.session.remove()
    assert _names() == {"Kept Academy"}
