"""What a school asks applicants besides the application form: instructions for the supporting statement
and a few questions of its own, each required or optional, answered in free text.

Asked only of people applying through this service. An application stores each question's text with
its answer (applications/application_form.py), so a school that rewords or removes a question later
still reads what the person was asked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

MAX_QUESTIONS = 5
MAX_INSTRUCTIONS_CHARACTERS = 1000
MAX_QUESTION_CHARACTERS = 300
MAX_ANSWER_CHARACTERS = 2000


def tidy(questions: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The questions as stored: text stripped, blank ones left out, `required` a boolean."""
    found = []
    for question in questions:
        text = " ".join(str(question.get("text") or "").split())
        if text:
            found.append({"text": text, "required": bool(question.get("required"))})
    return found


def problems(instructions: str, questions: list[Mapping[str, Any]]) -> dict[str, str]:
    """What is wrong with a listing's instructions and questions, by field name (empty when sound)."""
    found: dict[str, str] = {}
    if len(instructions or "") > MAX_INSTRUCTIONS_CHARACTERS:
        found["statement_instructions"] = (
            "Instructions for the supporting statement must be "
            f"{MAX_INSTRUCTIONS_CHARACTERS:,} characters or fewer"
        )
    if len(questions) > MAX_QUESTIONS:
        found["application_questions"] = f"Ask at most {MAX_QUESTIONS} questions"
    elif any(len(question.get("text") or "") > MAX_QUESTION_CHARACTERS for question in questions):
        found["application_questions"] = (
            f"Each question must be {MAX_QUESTION_CHARACTERS} characters or fewer"
        )
    return found


def text(questions: list[Mapping[str, Any]]) -> str:
    """The questions as one text for the wording rules, a question a line."""
    return "\n".join(str(question.get("text") or "") for question in questions)


def from_json(record: Mapping[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    """`statement_instructions` and `application_questions` as the ATS API and the import give them
    (only those present), each problem named in `errors`. A question is {"text": …, "required": bool}."""
    found: dict[str, Any] = {}
    if record.get("statement_instructions") is not None:
        instructions = record["statement_instructions"]
        if not isinstance(instructions, str):
            errors["statement_instructions"] = "Must be text"
        else:
            found["statement_instructions"] = instructions.strip()
    if record.get("application_questions") is not None:
        given = record["application_questions"]
        if not isinstance(given, list) or not all(
            isinstance(item, dict)
            and isinstance(item.get("text"), str)
            and isinstance(item.get("required", False), bool)
            for item in given
        ):
            errors["application_questions"] = (
                'Must be a list of questions like {"text": "Why this school?", "required": true}'
            )
        else:
            found["application_questions"] = tidy(given)
    for name, message in problems(
        found.get("statement_instructions", ""), found.get("application_questions", [])
    ).items():
        errors.setdefault(name, message)
    return found
