"""A vacancy as a schema.org JobPosting (https://schema.org/JobPosting), the shape job boards and search
engines read, plus the marketplace's own `id` and `external_reference`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from marketplace.vacancies import pay, vocabulary
from marketplace.vacancies.models import Vacancy

if TYPE_CHECKING:
    from marketplace.organisations.models import Organisation

# schema.org employmentType values for our working patterns and contracts.
_EMPLOYMENT_TYPES = {
    "full_time": "FULL_TIME",
    "part_time": "PART_TIME",
    "fixed_term": "TEMPORARY",
    "casual": "PER_DIEM",
}


def employment_types(vacancy: Vacancy) -> list[str]:
    types = [_EMPLOYMENT_TYPES[p] for p in vacancy.working_patterns if p in _EMPLOYMENT_TYPES]
    if vacancy.contract_type in _EMPLOYMENT_TYPES:
        types.append(_EMPLOYMENT_TYPES[vacancy.contract_type])
    return list(dict.fromkeys(types))


def job_posting(vacancy: Vacancy, *, url: str, organisation_url: str | None = None) -> dict[str, Any]:
    """The vacancy as a JobPosting dict (JSON-LD keys), ready for json.dumps.

    `url` is the listing's public address; `organisation_url` the school's page on the marketplace.
    """
    organisation = vacancy.organisation
    posting: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "id": vacancy.id,
        "external_reference": vacancy.external_reference,
        "url": url,
        "title": vacancy.title,
        "description": vacancy.about_role,
        # The listing's publish date (an imported listing's, not the day of the import).
        "datePosted": vacancy.publish_on.isoformat(),
        "validThrough": vacancy.closes_at.isoformat(),
        "employmentType": employment_types(vacancy),
        "occupationalCategory": vocabulary.labels(vocabulary.JOB_ROLES, vacancy.job_roles),
        "jobBenefits": vacancy.what_school_offers or None,
        "industry": "Education",
        "directApply": vacancy.applies_through_marketplace,
        "hiringOrganization": {
            "@type": "EducationalOrganization",
            "name": organisation.name,
            "identifier": organisation.urn or organisation.uid,
            "slug": organisation.slug,
            "sameAs": organisation.website,
            "url": organisation_url,
        },
        "jobLocation": _job_location(vacancy),
        "baseSalary": _salary(vacancy),
        "workHours": vacancy.hours_label,
        "salary": vacancy.salary,
        # Hours and pay (see vacancies/pay.py): as the school gave them, and the yearly pay worked out.
        "hours_per_week": vacancy.hours_per_week,
        "fte": vacancy.fte,
        "term_time_only": vacancy.term_time_only,
        "actual_salary": vacancy.actual_salary,
        "actual_pay": _actual_pay(vacancy),
        "hourly_rate": vacancy.hourly_rate_pence / 100 if vacancy.hourly_rate_pence is not None else None,
        "yearly_pay": pay.yearly_pay(vacancy),
        # The marketplace's own vocabulary, for filters and alerts in other systems.
        "job_roles": vacancy.job_roles,
        "phases": vacancy.phases,
        "key_stages": vacancy.key_stages,
        "subjects": vacancy.subjects,
        "working_patterns": vacancy.working_patterns,
        "job_share": vacancy.job_share,
        "contract_type": vacancy.contract_type,
        "ect_suitable": vacancy.ect_status == "ect_suitable",
        "visa_sponsorship": vacancy.visa_sponsorship,
        "quick_apply": vacancy.applies_through_marketplace,
        "starts_on": vacancy.starts_on.isoformat() if vacancy.starts_on else None,
        "application_url": vacancy.application_url,
    }
    return posting


def _place(organisation: Organisation) -> dict[str, Any]:
    return {
        "@type": "Place",
        "name": organisation.name,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": organisation.street,
            "addressLocality": organisation.town,
            "addressRegion": organisation.county,
            "postalCode": organisation.postcode,
            "addressCountry": "GB",
        },
        "geo": (
            {
                "@type": "GeoCoordinates",
                "latitude": organisation.latitude,
                "longitude": organisation.longitude,
            }
            if organisation.latitude is not None and organisation.longitude is not None
            else None
        ),
    }


def _job_location(vacancy: Vacancy) -> dict[str, Any] | list[dict[str, Any]]:
    """Where the job is: one Place, or a list of Places when a trust's listing covers several schools
    (schema.org and Google for Jobs accept either)."""
    places = [_place(organisation) for organisation in vacancy.places]
    return places[0] if len(places) == 1 else places


def _salary(vacancy: Vacancy) -> dict[str, Any] | None:
    """The full-time yearly range (unitText YEAR); for a job paid by the hour without a range, its hourly
    rate (unitText HOUR)."""
    value: dict[str, Any] = {"@type": "QuantitativeValue"}
    if vacancy.salary_minimum is not None or vacancy.salary_maximum is not None:
        value["unitText"] = "YEAR"
        if vacancy.salary_minimum is not None:
            value["minValue"] = vacancy.salary_minimum
        if vacancy.salary_maximum is not None:
            value["maxValue"] = vacancy.salary_maximum
    elif vacancy.hourly_rate_pence is not None:
        value["unitText"] = "HOUR"
        value["value"] = vacancy.hourly_rate_pence / 100
    else:
        return None
    return {"@type": "MonetaryAmount", "currency": "GBP", "value": value}


def _actual_pay(vacancy: Vacancy) -> dict[str, Any] | None:
    actual = pay.actual_pay(vacancy)
    if actual is None:
        return None
    return {"minimum": actual[0], "maximum": actual[1], "worked_out": pay.actual_pay_is_worked_out(vacancy)}


# The properties search engines read from a job page's JSON-LD (Google for Jobs' required and
# recommended ones); the marketplace's own vocabulary stays in the API.
_STRUCTURED_DATA_KEYS = (
    "@context",
    "@type",
    "title",
    "description",
    "datePosted",
    "validThrough",
    "employmentType",
    "hiringOrganization",
    "jobLocation",
    "baseSalary",
    "workHours",
    "directApply",
    "occupationalCategory",
    "jobBenefits",
    "industry",
    "url",
)


def structured_data(vacancy: Vacancy, *, url: str, organisation_url: str | None = None) -> dict[str, Any]:
    """The JobPosting for a job page's <script type="application/ld+json">, without empty values."""
    posting = job_posting(vacancy, url=url, organisation_url=organisation_url)
    data = {key: posting[key] for key in _STRUCTURED_DATA_KEYS if posting.get(key) not in (None, [], "")}
    organisation = vacancy.organisation
    data["identifier"] = {
        "@type": "PropertyValue",
        "name": "Teacher Vacancy Marketplace",
        "value": str(vacancy.id),
    }
    data["hiringOrganization"] = _without_empty(
        {
            "@type": "EducationalOrganization",
            "name": organisation.name,
            "sameAs": organisation.website,
            "url": organisation_url,
            # The URN is the school's identity in the register of schools in England.
            "identifier": (
                {"@type": "PropertyValue", "name": "URN", "value": organisation.urn}
                if organisation.urn
                else None
            ),
        }
    )
    location = posting["jobLocation"]
    if isinstance(location, list):
        data["jobLocation"] = [_place_without_empty(place) for place in location]
    else:
        data["jobLocation"] = _place_without_empty(location)
    return data


def _place_without_empty(place: dict[str, Any]) -> dict[str, Any]:
    return _without_empty({**place, "address": _without_empty(place["address"])})


def _without_empty(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value not in (None, "", [])}
