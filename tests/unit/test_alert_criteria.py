"""What an alert keeps of a search, and when two alerts count as the same search."""

from marketplace.alerts.matching import criteria_key, criteria_of, query_args, search_of
from marketplace.search.api import VacancySearch


def test_an_alert_keeps_what_decides_matches_and_drops_sort_page_and_unknown_values():
    search = VacancySearch(
        keywords="  Maths   teacher ",
        location="Leeds",
        radius=10,
        phases=["secondary", "not-a-phase"],
        visa_sponsorship="true",
        posted_within_days=3,
        sort="newest",
        page=4,
    )

    criteria = criteria_of(search)

    assert criteria == {
        "keywords": "Maths teacher",
        "location": "Leeds",
        "radius": 10,
        "phases": ["secondary"],
        "visa_sponsorship": True,
    }
    assert search_of(criteria).keywords == "Maths teacher"
    assert query_args(criteria)["keyword"] == "Maths teacher"
    assert query_args(criteria)["visa_sponsorship"] == "true"


def test_identical_criteria_share_a_key_whatever_the_case_or_order():
    one = criteria_of(VacancySearch(keywords="MATHS", location="leeds", phases=["secondary", "primary"]))
    two = criteria_of(VacancySearch(keywords="maths", location="Leeds", phases=["primary", "secondary"]))
    other = criteria_of(VacancySearch(keywords="maths", location="Leeds", radius=25))

    assert criteria_key(one) == criteria_key(two)
    assert criteria_key(one) != criteria_key(other)
