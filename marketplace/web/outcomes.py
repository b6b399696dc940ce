"""How a view runs one use-case and shows what came of it.

Views validate, call, flash and redirect; they never commit or roll back themselves:

    form = ExtendForm()
    if form.validate_on_submit():
        with attempt(form) as done:
            management.extend_closing_date(current_user, vacancy, ...)
        if done:
            flash("The closing date is now …", "success")
            return redirect(url_for(...))
    return render_template("…", form=form)

`attempt` runs the block as one unit of work (`marketplace.unit_of_work`): it commits when the block
finishes. A `DomainError` rolls it back and is shown to the person (`show_refusal`); `done` is then
false and `done.refusal` is the error. Anything else rolls back and propagates to the app's error
handler (a 500, logged with the request id).

Where does a refusal go?
- each of `error.field_errors` beside its field (and so in the GOV.UK error summary); one for a
  field the form lacks becomes a form-level error;
- a refusal of the whole request beside `field` when the page puts it by one question (a name, or a
  mapping of error class to name, first match wins), otherwise as a form-level error
  (`form.form_errors`), or as a flash when there is no form or `flash_whole=True`.

`keep` names refusals that still commit what the use-case wrote before refusing (say, the
moderation policy's refusal, which belongs in the audit trail); they are not shown, the view
explains them from `done.refusal`. `show=False` leaves every refusal to the view that way.

`once_more_if_raced` covers the same form sent twice at once (two tabs): the loser's commit hits a
unique constraint, so the use-case runs once more and then sees what the winner did.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TypeVar

from flask import flash
from sqlalchemy.exc import IntegrityError

from marketplace.errors import DomainError
from marketplace.unit_of_work import unit_of_work

T = TypeVar("T")

# Where a refusal of the whole request is shown: a field's name, or error class -> field name.
FieldFor = str | Mapping[type[DomainError], str] | None


class Outcome:
    """What came of an attempt: true once committed; otherwise `refusal` is the DomainError."""

    def __init__(self) -> None:
        self.refusal: DomainError | None = None
        self.flashed = False  # the refusal was shown as a flash (the view usually redirects then)

    def __bool__(self) -> bool:
        return self.refusal is None


def show_refusal(form, error: DomainError, *, field: FieldFor = None, flash_whole: bool = False) -> bool:
    """Show `error` on `form` (see the module's docstring); returns True when it was flashed instead."""
    if error.field_errors and form is not None:
        for name, message in error.field_errors.items():
            target = form._fields.get(name)
            if target is not None:
                target.errors = [*target.errors, message]
            else:
                form.form_errors.append(message)
        return False
    if form is None or flash_whole:
        flash(str(error), "info")
        return True
    name = field
    if isinstance(field, Mapping):
        name = next((name for kind, name in field.items() if isinstance(error, kind)), None)
    target = form._fields.get(name) if name else None
    if target is not None:
        target.errors = [*target.errors, str(error)]
    else:
        form.form_errors.append(str(error))
    return False


@contextmanager
def attempt(
    form=None,
    *,
    field: FieldFor = None,
    flash_whole: bool = False,
    keep: type[DomainError] | tuple[type[DomainError], ...] = (),
    show: bool = True,
) -> Iterator[Outcome]:
    """Run the block as one unit of work and show its refusal, if any (see the module's docstring)."""
    outcome = Outcome()
    try:
        with unit_of_work():
            try:
                yield outcome
            except keep as error:
                outcome.refusal = error  # committed all the same: the view explains it
    except DomainError as error:
        outcome.refusal = error
        if show:
            outcome.flashed = show_refusal(form, error, field=field, flash_whole=flash_whole)


def once_more_if_raced(use_case: Callable[[], T]) -> T:
    """Run `use_case` in its own unit of work; when its commit collides with the same request made a
    moment earlier (an IntegrityError: the form sent from two tabs at once), run it once more. The
    second run sees what the first one did and refuses (a DomainError, shown as any refusal) or
    finds nothing left to do. Used inside `attempt`, or on its own."""
    try:
        with unit_of_work():
            return use_case()
    except IntegrityError:
        pass
    with unit_of_work():
        return use_case()
