from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount
from wtforms import TextAreaField
from wtforms.validators import DataRequired, ValidationError

from marketplace.applications.services import MAX_STATEMENT_WORDS, word_count


class ApplicationForm(FlaskForm):
    supporting_statement = TextAreaField(
        "Supporting statement",
        widget=GovCharacterCount(),
        description="Tell the school why you want this job and how your experience fits it.",
        validators=[DataRequired("Enter your supporting statement")],
    )

    def validate_supporting_statement(self, field):
        if word_count(field.data or "") > MAX_STATEMENT_WORDS:
            raise ValidationError(f"Your supporting statement must be {MAX_STATEMENT_WORDS:,} words or fewer")
