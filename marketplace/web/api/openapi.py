"""The OpenAPI 3 description of the public API."""

from __future__ import annotations

from marketplace.vacancies import vocabulary

_ERROR = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
}

_ORGANISATION = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "slug": {"type": "string"},
        "urn": {"type": ["string", "null"]},
        "town": {"type": ["string", "null"]},
        "postcode": {"type": ["string", "null"]},
        "latitude": {"type": ["number", "null"]},
        "longitude": {"type": ["number", "null"]},
    },
}

_VACANCY = {
    "type": "object",
    "required": ["id", "url", "title", "organisation", "closes_at"],
    "properties": {
        "id": {"type": "integer"},
        "url": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "organisation": _ORGANISATION,
        "job_roles": {"type": "array", "items": {"type": "string", "enum": list(vocabulary.JOB_ROLES)}},
        "phases": {"type": "array", "items": {"type": "string", "enum": list(vocabulary.PHASES)}},
        "key_stages": {"type": "array", "items": {"type": "string", "enum": list(vocabulary.KEY_STAGES)}},
        "subjects": {"type": "array", "items": {"type": "string"}},
        "working_patterns": {
            "type": "array",
            "items": {"type": "string", "enum": list(vocabulary.WORKING_PATTERNS)},
        },
        "job_share": {"type": "boolean"},
        "contract_type": {"type": "string", "enum": list(vocabulary.CONTRACT_TYPES)},
        "fixed_term_length": {"type": ["string", "null"]},
        "salary": {"type": "string"},
        "salary_minimum": {"type": ["integer", "null"]},
        "salary_maximum": {"type": ["integer", "null"]},
        "starts_on": {"type": ["string", "null"], "format": "date"},
        "publish_on": {"type": "string", "format": "date"},
        "closes_at": {"type": "string", "format": "date-time"},
        "ect_suitable": {"type": "boolean"},
        "visa_sponsorship": {"type": "boolean"},
        "how_to_apply": {"type": "string", "enum": list(vocabulary.HOW_TO_APPLY)},
        "application_url": {"type": ["string", "null"]},
        "about_role": {"type": "string"},
        "what_school_offers": {"type": "string"},
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


def document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Teacher Vacancy Marketplace API",
            "version": "1.0.0",
            "description": "Live teaching and support vacancies in schools in England (read-only, no token).",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/vacancies": {
                "get": {
                    "summary": "Search live vacancies",
                    "operationId": "searchVacancies",
                    "parameters": [
                        {
                            "name": "keyword",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string"},
                            "description": "Every word must match; stemming applies.",
                        },
                        _list_parameter("job_roles", vocabulary.JOB_ROLES),
                        _list_parameter("phases", vocabulary.PHASES),
                        _list_parameter("key_stages", vocabulary.KEY_STAGES),
                        _list_parameter("subjects", vocabulary.SUBJECTS),
                        _list_parameter("working_patterns", vocabulary.WORKING_PATTERNS),
                        {
                            "name": "sort",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string", "enum": ["relevance", "closing", "newest"]},
                        },
                        {
                            "name": "page",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "integer", "minimum": 1},
                        },
                        {
                            "name": "per_page",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "integer", "minimum": 1, "maximum": 100},
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "One page of matching vacancies",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["data", "meta"],
                                        "properties": {
                                            "data": {
                                                "type": "array",
                                                "items": {"$ref": "#/components/schemas/Vacancy"},
                                            },
                                            "meta": {
                                                "type": "object",
                                                "properties": {
                                                    "total": {"type": "integer"},
                                                    "page": {"type": "integer"},
                                                    "pages": {"type": "integer"},
                                                    "per_page": {"type": "integer"},
                                                },
                                            },
                                        },
                                    }
                                }
                            },
                        },
                        "400": {
                            "description": "A parameter could not be understood",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                            },
                        },
                    },
                }
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
                                        "properties": {"data": {"$ref": "#/components/schemas/Vacancy"}},
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
        "components": {"schemas": {"Vacancy": _VACANCY, "Error": _ERROR}},
    }
