"""Forms for managing a listing: extend the closing date, end early, copy, relist."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovTextArea
from wtforms import TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from marketplace.publishing.management import MAX_REASON_LENGTH, NewDates
from marketplace.vacancies import vocabulary
from marketplace.web.forms import GovDateField, RadiosField, choices
from marketplace.web.once import SentOnce
from marketplace.web.schools.forms import VacancyForm

FILLED_CHOICES = {
    "yes": "Yes",
    "no": "No",
    "not_yet": "Not yet: we are still choosing from the applications we have",
}
YES_NO = {"yes": "Yes", "no": "No"}


class _ClosingFields:
    """Adds a closing time choice that keeps an unusual saved time (from an import or the API) valid."""

    def offer_closing_time(self, current: str | None) -> None:
        if current and current not in vocabulary.CLOSING_TIMES:
            self.closing_time.choices = choices((*vocabulary.CLOSING_TIMES, current))


class ExtendForm(_ClosingFields, FlaskForm):
    closing_date = GovDateField(
        "New closing date",
        validators=[InputRequired("Enter the new closing date")],
        description="For example, 27 3 2027",
    )
    closing_time = RadiosField(
        "Closing time",
        choices=choices(vocabulary.CLOSING_TIMES),
        validators=[InputRequired("Select a closing time")],
    )
    reason = TextAreaField(
        "Why are you extending the closing date?",
        widget=GovTextArea(),
        description=(
            "For example, we have had too few applications. "
            "This is kept on the listing's record; jobseekers do not see it."
        ),
        validators=[
            DataRequired("Enter why you are extending the closing date"),
            Length(
                max=MAX_REASON_LENGTH, message=f"The reason must be {MAX_REASON_LENGTH} characters or fewer"
            ),
        ],
    )


class EndEarlyForm(FlaskForm):
    filled = RadiosField(
        "Has the post been filled?",
        choices=choices(FILLED_CHOICES),
        validators=[InputRequired("Select whether the post has been filled")],
    )
    through_marketplace = RadiosField(
        "If it has: did you find the person through this marketplace?",
        choices=choices(YES_NO),
        validators=[Optional()],
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.filled.data != "yes":
            # Only asked about a filled post: whatever was chosen otherwise is neither needed nor wrong.
            self.through_marketplace.errors = []
            return valid and not self.filled.errors
        if self.through_marketplace.data not in YES_NO:
            self.through_marketplace.errors = ["Select whether you found the person through the marketplace"]
            return False
        return valid

    def answers(self) -> tuple[bool | None, bool | None]:
        """(filled, through the marketplace) as the service takes them: None for "not yet"."""
        filled = {"yes": True, "no": False}.get(self.filled.data)
        through = self.through_marketplace.data == "yes" if filled else None
        return filled, through


class RelistForm(SentOnce, _ClosingFields, FlaskForm):
    # The listing form's own date questions, defined once there.
    publish_on = VacancyForm.publish_on
    closing_date = VacancyForm.closing_date
    closing_time = VacancyForm.closing_time
    starts_on = VacancyForm.starts_on

    def dates(self) -> NewDates:
        """The new listing's dates, as the copy and relist use-cases take them."""
        return NewDates(
            self.publish_on.data, self.closing_date.data, self.closing_time.data, self.starts_on.data
        )


class CopyForm(RelistForm):
    title = VacancyForm.title
