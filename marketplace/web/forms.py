"""Form helpers shared by the blueprints: GOV.UK widgets and fields that explain their errors plainly."""

from __future__ import annotations

import datetime as dt
import re

from govuk_frontend_wtf.main import wtforms_errors
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovDateInput, GovRadioInput, GovTextInput
from wtforms import DateField, SelectMultipleField, StringField
from wtforms.fields.choices import RadioField, SelectChoice
from wtforms.validators import ValidationError

from marketplace.numbers import whole_number


def choices(mapping: dict[str, str] | tuple[str, ...]) -> list[SelectChoice]:
    if isinstance(mapping, dict):
        return [SelectChoice(value, label) for value, label in mapping.items()]
    return [SelectChoice(value, value) for value in mapping]


class CheckboxesField(SelectMultipleField):
    """Several checkboxes under one question; a value not offered is refused with a plain message."""

    widget = GovCheckboxesInput()

    def pre_validate(self, form):
        offered = {choice.value for choice in self._choices_from_input(self.choices)}
        if any(value not in offered for value in self.data or []):
            raise ValidationError("Select from the options given")


class RadiosField(RadioField):
    widget = GovRadioInput()

    def pre_validate(self, form):
        offered = {choice.value for choice in self._choices_from_input(self.choices)}
        if self.data not in offered:
            raise ValidationError("Select an option")


class GovDateField(DateField):
    """Day, month and year boxes, in the GOV.UK pattern, with GOV.UK wording for mistakes."""

    widget = GovDateInput()

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format="%d %m %Y", **kwargs)

    def process_formdata(self, valuelist):
        if len(valuelist) != 3:
            # Not sent as day, month and year boxes (or not sent at all): nothing the widget can show back.
            self.raw_data = None
            self.data = None
            return
        if not any(part.strip() for part in valuelist):
            self.data = None
            return
        parts = [part.strip() for part in valuelist]
        if not all(parts):
            self.data = None
            raise ValueError(f"{self.label.text} must include a day, month and year")
        try:
            day, month, year = (whole_number(part, highest=9999) for part in parts)
            if day is None or month is None or year is None:
                raise ValueError("not a number")
            self.data = dt.date(year, month, day)
        except ValueError:
            self.data = None
            raise ValueError(f"{self.label.text} must be a real date") from None


class PoundsField(StringField):
    """A sum in whole pounds, typed as people write it: '32000', '32,000' or '£32,000'."""

    widget = GovTextInput()

    def process_formdata(self, valuelist):
        self.raw = valuelist[0] if valuelist else ""
        cleaned = re.sub(r"[£,\s]", "", self.raw)
        if not cleaned:
            self.data = None
            return
        self.data = whole_number(cleaned)
        if self.data is None:
            raise ValueError("Enter an amount in pounds, like 32,000")

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return f"{self.data:,}" if self.data is not None else ""


def error_summary(form, params=None) -> dict:
    """The error summary's parameters for a form, each link pointing at a box that takes focus.

    A date's id names the group of day, month and year boxes (a `div`), so its link goes to the day box.
    """
    summary = wtforms_errors(form, params or {})
    dates = {f"#{field.id}" for field in form if isinstance(field, GovDateField)}
    for error in summary["errorList"]:
        if error.get("href") in dates:
            error["href"] += "-day"
    return summary
