"""How a view shows what a use-case answered: a refusal (a `DomainError`) on the form that asked."""

from __future__ import annotations

from flask_wtf import FlaskForm

from marketplace.errors import DomainError


def _append(errors, message: str) -> list[str]:
    # A field that was never validated holds its errors in a tuple.
    return [*errors, message]


def show_refusal(form: FlaskForm, error: DomainError) -> None:
    """Show a refusal on its form: each field error beside its field (so in the GOV.UK error summary),
    a refusal of the whole request as the form's own error."""
    if not error.field_errors:
        form.form_errors.append(error.message)
        return
    for name, message in error.field_errors.items():
        field = form._fields.get(name)
        if field is None:
            form.form_errors.append(message)
        else:
            field.errors = _append(field.errors, message)
