"""The OpenAPI 3 description of the public API."""

from __future__ import annotations

from marketplace.vacancies import questions, vocabulary

_ERROR = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {
        "error": {"type": "string"},
        "message": {"type": "string"},
        "parameter": {"type": "string", "description": "The query parameter at fault."},
        "choices": {
            "type": "array",
            "items": {"type": "string"},
            "description": "For a location naming several places: one `location` value for each of them.",
        },
    },
}


def _list_parameter(name: str, values) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": "Repeat to select several (OR). Unknown values are ignored.",
        "schema": {"type": "array", "items": {"type": "string", "enum": list(values)}},
        "style": "form",
        "explode": True,
    }


_JOB_POSTING = {
    "type": "object",
    "description": "A schema.org JobPosting, plus the marketplace's id, external reference and vocabulary.",
    "required": ["@type", "id", "url", "title", "hiringOrganization", "validThrough"],
    "properties": {
        "@context": {"type": "string"},
        "@type": {"type": "string", "enum": ["JobPosting"]},
        "id": {"type": "integer"},
        "external_reference": {"type": ["string", "null"]},
        "url": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "description": {"type": "string"},
        "datePosted": {"type": "string", "format": "date"},
        "validThrough": {"type": "string", "format": "date-time"},
        "employmentType": {"type": "array", "items": {"type": "string"}},
        "hiringOrganization": {"type": "object"},
        "jobLocation": {
            "oneOf": [{"type": "object"}, {"type": "array", "items": {"type": "object"}}],
            "description": "One Place, or a list of Places when the job is at several schools of a trust.",
        },
        "baseSalary": {
            "type": ["object", "null"],
            "description": "MonetaryAmount: the full-time yearly range (value.unitText YEAR, minValue, "
            "maxValue) or, for a job paid by the hour without a range, the hourly rate (HOUR, value).",
        },
        "workHours": {"type": ["string", "null"], "description": "Hours a week and FTE in words."},
        "salary": {"type": "string", "description": "The salary as the school wrote it."},
        "hours_per_week": {"type": ["number", "null"]},
        "fte": {"type": ["number", "null"], "minimum": 0.1, "maximum": 1},
        "term_time_only": {"type": "boolean"},
        "actual_salary": {
            "type": ["integer", "null"],
            "description": "A part-time job's actual yearly pay, as given.",
        },
        "actual_pay": {
            "type": ["object", "null"],
            "description": "A part-time job's actual yearly pay: as given, or worked out as the full-time "
            "range times the FTE (`worked_out`; never for a term-time-only job).",
            "properties": {
                "minimum": {"type": "integer"},
                "maximum": {"type": "integer"},
                "worked_out": {"type": "boolean"},
            },
        },
        "hourly_rate": {"type": ["number", "null"], "description": "Pounds an hour."},
        "yearly_pay": {
            "type": ["integer", "null"],
            "description": "What minimum_salary compares: the most the job pays a year for its hours.",
        },
        "distance_miles": {
            "type": ["number", "null"],
            "description": "Miles from the searched location (only when a location was given).",
        },
    },
}


def _parameter(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def _search_operation() -> dict:
    from marketplace.search.api import LABELS, SORTS

    flag = {"type": "string", "enum": ["true", "false"]}
    return {
        "summary": "Search live vacancies",
        "operationId": "searchVacancies",
        "description": (
            "List parameters accept repeated keys or comma-separated values; values of one filter are "
            "alternatives (OR), different filters must all match (AND). Unknown filter values and sorts "
            "are ignored."
        ),
        "parameters": [
            _parameter("keyword", {"type": "string"}, "Every word must match; synonyms and stemming apply."),
            _parameter(
                "location",
                {"type": "string"},
                "A town, city, locality, postcode, postcode sector or district (a circle of `radius` "
                "miles), or a county, region or local authority (its schools, whatever the radius). "
                "A name of several places is a 400 listing `choices`.",
            ),
            _parameter(
                "radius",
                {"type": "integer", "minimum": 0, "maximum": 200},
                "Miles around a place (default 15; 0 means the default); not used for an area.",
            ),
            _list_parameter(
                "job_roles", [*vocabulary.JOB_ROLES, "leadership", "senior_leader", "middle_leader"]
            ),
            _list_parameter("phases", vocabulary.PHASES),
            _list_parameter("key_stages", vocabulary.KEY_STAGES),
            _list_parameter("subjects", vocabulary.ALL_SUBJECTS),
            _list_parameter("working_patterns", LABELS["working_patterns"]),
            _list_parameter("contract_types", vocabulary.CONTRACT_TYPES),
            _list_parameter("organisation_types", LABELS["organisation_types"]),
            _list_parameter("school_types", LABELS["school_types"]),
            _parameter("ect_suitable", flag, "Only jobs suitable for early career teachers."),
            _parameter("visa_sponsorship", flag, "Only jobs that sponsor a visa."),
            _parameter("quick_apply", flag, "Only jobs applied for through the marketplace."),
            _parameter("organisation", {"type": "string"}, "One school's or trust's slug."),
            _parameter(
                "minimum_salary",
                {"type": "integer", "minimum": 0},
                "Pounds a year the job can reach for its hours: a part-time job's actual pay, else the top "
                "of its range (times its FTE), else its hourly rate times its hours for 52.14 weeks (44 "
                "when term time only). Commas and a £ sign are allowed.",
            ),
            _parameter("posted_within_days", {"type": "integer", "minimum": 1, "maximum": 3650}, "Days."),
            _parameter(
                "sort", {"type": "string", "enum": list(SORTS)}, "Unknown sorts fall back to the default."
            ),
            _parameter("page", {"type": "integer", "minimum": 1}, "Page number."),
            _parameter("per_page", {"type": "integer", "minimum": 1, "maximum": 100}, "Results a page."),
        ],
        "responses": {
            "200": {
                "description": "One page of matching vacancies, with facet counts and suggestions",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["data", "meta", "facets", "suggestions"],
                            "properties": {
                                "data": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/JobPosting"},
                                },
                                "meta": {
                                    "type": "object",
                                    "properties": {
                                        "total": {"type": "integer"},
                                        "page": {"type": "integer"},
                                        "per_page": {"type": "integer"},
                                        "pages": {"type": "integer"},
                                        "sort": {"type": "string"},
                                        "degraded": {"type": "boolean"},
                                        "understood": {
                                            "type": "object",
                                            "description": "A place or salary typed among the "
                                            "keywords, used as the location or minimum salary",
                                            "properties": {
                                                "keyword": {"type": "string"},
                                                "location": {"type": "string"},
                                                "minimum_salary": {"type": "integer"},
                                            },
                                        },
                                    },
                                },
                                "facets": {
                                    "type": "object",
                                    "additionalProperties": {
                                        "type": "object",
                                        "additionalProperties": {"type": "integer"},
                                    },
                                },
                                "suggestions": {"type": "object"},
                            },
                        }
                    }
                },
            },
            "400": {
                "description": "A parameter could not be understood (named in `parameter`)",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            },
        },
    }


# The JSON Lines import format (docs/import-format.md): the ATS endpoints accept one such object.
_IMPORTED_VACANCY = {
    "type": "object",
    "required": ["external_reference", "title"],
    "properties": {
        "external_reference": {"type": "string"},
        "status": {"type": "string", "enum": ["published", "draft"]},
        "title": {"type": "string"},
        "description": {"type": "string"},
        "salary": {"type": "string"},
        "salary_min": {"type": "integer", "minimum": 0},
        "salary_max": {"type": "integer", "minimum": 0},
        "hours_per_week": {"type": "number", "minimum": 0.5, "maximum": 60},
        "fte": {"type": "number", "minimum": 0.1, "maximum": 1},
        "term_time_only": {"type": "boolean"},
        "actual_salary": {"type": "integer", "minimum": 1, "maximum": 500000},
        "hourly_rate": {"type": "number", "minimum": 0.01, "maximum": 500},
        "publish_on": {"type": "string", "format": "date"},
        "closes_at": {"type": "string", "format": "date-time"},
        "school": {"type": "object"},
        "statement_instructions": {
            "type": "string",
            "maxLength": questions.MAX_INSTRUCTIONS_CHARACTERS,
            "description": "Shown to applicants above their supporting statement (quick apply only)",
        },
        "application_questions": {
            "type": "array",
            "maxItems": questions.MAX_QUESTIONS,
            "description": "The school's own questions, each answered in free text (quick apply only)",
            "items": {
                "type": "object",
                "required": ["text"],
                "properties": {
                    "text": {"type": "string", "maxLength": questions.MAX_QUESTION_CHARACTERS},
                    "required": {"type": "boolean", "default": False},
                },
            },
        },
    },
    "additionalProperties": True,
}

_MODERATION_ANSWER = {
    "type": "object",
    "required": ["outcome", "findings"],
    "properties": {
        "outcome": {"type": "string", "enum": ["publish", "review", "block"]},
        "findings": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["rule", "severity", "message"],
                "properties": {
                    "rule": {"type": "string"},
                    "severity": {"type": "string", "enum": ["block", "review", "advise"]},
                    "message": {"type": "string"},
                    "field": {"type": ["string", "null"]},
                    "span": {"type": ["array", "null"], "items": {"type": "integer"}},
                },
            },
        },
    },
}


def _ats_operation(operation_id: str, summary: str, successes: dict[str, str]) -> dict:
    def error(description: str) -> dict:
        return {
            "description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }

    answer = {"application/json": {"schema": {"$ref": "#/components/schemas/ModerationAnswer"}}}
    return {
        "summary": summary,
        "operationId": operation_id,
        "security": [{"atsToken": []}],
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ImportedVacancy"}}},
        },
        "responses": {
            **{code: {"description": text, "content": answer} for code, text in successes.items()},
            "400": error("The body is not JSON, or is nested more than 32 levels deep"),
            "401": error("No valid ATS token"),
            "422": error("The listing has problems; `errors` names each field"),
            "429": error("Too many requests for this token"),
        },
    }


def document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Teacher Vacancy Marketplace API",
            "version": "1.0.0",
            "description": "Live teaching and support vacancies in schools in England. Reading needs no "
            "token; applicant tracking systems post listings with a bearer token.",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/vacancies": {"get": _search_operation()},
            "/ats/vacancies": {
                "post": _ats_operation(
                    "createOrUpdateVacancy",
                    "Create or update a listing by external_reference, screened by the moderation policy",
                    {"200": "Updated", "201": "Created"},
                )
            },
            "/ats/vacancies/check": {
                "post": _ats_operation(
                    "checkVacancy",
                    "Run the moderation rules on a listing without saving it",
                    {"200": "Checked"},
                )
            },
            "/vacancies/{vacancy_id}": {
                "get": {
                    "summary": "One live vacancy",
                    "operationId": "getVacancy",
                    "parameters": [
                        {
                            "name": "vacancy_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer", "minimum": 1},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "The vacancy",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["data"],
                                        "properties": {"data": {"$ref": "#/components/schemas/JobPosting"}},
                                    }
                                }
                            },
                        },
                        "404": {
                            "description": "No live vacancy has that id",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                            },
                        },
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "JobPosting": _JOB_POSTING,
                "Error": _ERROR,
                "ImportedVacancy": _IMPORTED_VACANCY,
                "ModerationAnswer": _MODERATION_ANSWER,
            },
            "securitySchemes": {"atsToken": {"type": "http", "scheme": "bearer"}},
        },
    }
