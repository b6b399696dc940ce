"""The one base of every refusal a use-case can give: a message for people, and field errors for forms.

Services raise a `DomainError` (or a subclass named for the refusal) when what was asked cannot be
done; the unit of work rolls the transaction back and the view shows the message. Anything else that
goes wrong is a fault, not a refusal, and reaches the error handler as a 500.
"""

from __future__ import annotations

from collections.abc import Mapping


class DomainError(Exception):
    """A use-case refused. `str(error)` is written for the person who asked.

    `field_errors` names the form fields the refusal is about (field name -> message), so a view can
    show each one beside its field and in the error summary; it is empty for a refusal of the whole
    request.
    """

    def __init__(self, message: str = "", *, field_errors: Mapping[str, str] | None = None):
        self.field_errors: dict[str, str] = dict(field_errors or {})
        super().__init__(message or "; ".join(self.field_errors.values()))

    @property
    def message(self) -> str:
        return str(self)
