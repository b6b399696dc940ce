"""Relevance rules of the search: synonyms, expansions, phrases, stemming limits, typos, filters,
facets, suggestions and location (see the shared VOCABULARY.md)."""

from __future__ import annotations

import datetime as dt

import pytest

from marketplace.db import utcnow
from marketplace.search.api import VacancySearch, find_vacancies, search_vacancies
from marketplace.search.geo import UnknownLocation
from tests.factories import OrganisationFactory, VacancyFactory

PLAIN_BODY = "Join our friendly department. Supportive colleagues and a generous training budget."


def job(title: str, **fields):
    fields.setdefault("about_role", PLAIN_BODY)
    fields.setdefault("what_school_offers", "")
    fields.setdefault("subjects", [])
    return VacancyFactory(published=True, title=title, **fields)


def found(keywords: str = "", **options) -> set[int]:
    return set(find_vacancies(VacancySearch(keywords=keywords, per_page=100, **options)).ids)


def ids(*vacancies) -> set[int]:
    return {vacancy.id for vacancy in vacancies}


class TestSynonyms:
    def test_a_phrase_of_a_two_way_group_finds_every_phrase_of_the_group(self, app):
        maths = job("Teacher of Maths")
        mathematics = job("Mathematics teacher")
        math = job("Math lead")
        job("Teacher of English")

        for typed in ("maths", "mathematics", "math", "MATHS"):
            assert found(typed) == ids(maths, mathematics, math), typed

    def test_multi_word_synonyms_match_as_consecutive_words(self, app):
        mfl = job("Teacher of MFL")
        spelled_out = job("Modern foreign languages teacher")
        scattered = job("Modern teacher", about_role="Foreign trips. We value languages highly.")

        # "languages" alone is not a synonym: it is also the last word of "English Language".
        assert found("modern foreign languages") == ids(mfl, spelled_out)
        assert scattered.id in found("languages")
        assert {mfl.id, spelled_out.id} <= found("mfl")

    def test_one_way_expansions_do_not_work_backwards(self, app):
        chemistry = job("Teacher of Chemistry")
        science = job("Teacher of Science")

        assert found("science") == ids(chemistry, science)
        assert found("chemistry") == ids(chemistry)

    def test_mfl_expands_to_the_languages_it_covers(self, app):
        french = job("Teacher of French")
        job("Teacher of History")

        assert found("mfl") == ids(french)
        assert found("french") == ids(french)

    def test_key_stage_2_is_not_key_stage_4(self, app):
        ks2 = job("Year 5 teacher", about_role="Teaching in key stage 2.")
        ks4 = job("GCSE teacher", about_role="Teaching in key stage 4.")
        short = job("KS2 class teacher")

        assert found("key stage 2") == ids(ks2, short)
        assert found("ks2") == ids(ks2, short)
        assert ks4.id in found("gcse")
        assert ks4.id in found("ks4")
        assert ks4.id not in found("key stage 2")

    def test_the_longest_phrase_wins(self, app):
        department = job("Head of Department (Science)", about_role="Lead our science department.")
        # "head of" alone is a synonym of "senior leader"; "head of department" is one phrase.
        senior = job("Senior leader", about_role="Join the department's leadership.")

        assert found("head of department") == ids(department)
        assert senior.id in found("head of")

    def test_part_time_in_any_spelling(self, app):
        part_time = job("Part-time teacher of art")
        assert found("part time") == found("parttime") == found("part-time") == ids(part_time)

    def test_headteacher_synonyms(self, app):
        principal = job("Principal")
        head_teacher = job("Head Teacher")
        assert found("headteacher") == ids(principal, head_teacher)

    def test_an_everyday_word_synonym_only_counts_in_the_title_and_subjects(self, app):
        computing = job("Teacher of Computing")
        ict = job("ICT teacher")
        pronoun = job("Teacher of Drama", about_role="It is a lovely school and it shows.")

        assert found("computing") == ids(computing, ict)
        assert pronoun.id not in found("computing")
        assert pronoun.id not in found("it")


class TestStemming:
    def test_forms_of_a_word_match(self, app):
        teaching = job("Teaching assistant")
        assert teaching.id in found("teachers")
        assert teaching.id in found("teach")

    def test_stemming_never_turns_one_subject_into_another(self, app):
        physics = job("Teacher of Physics")
        pe = job("Teacher of Physical Education")

        assert found("physics") == ids(physics)
        assert found("physical education") == ids(pe)
        assert pe.id in found("pe")


class TestTypos:
    @pytest.mark.parametrize(
        ("typed", "title", "corrected"),
        [
            ("chemestry", "Teacher of Chemistry", "chemistry"),
            ("geograpy", "Teacher of Geography", "geography"),
            ("mathamatics", "Teacher of Mathematics", "mathematics"),
            # Two letters swapped: one edit, although the stems ("histroy", "histori") are further apart.
            ("histroy", "Teacher of History", "history"),
            ("biolgoy", "Teacher of Biology", "biology"),
        ],
    )
    def test_a_misspelt_keyword_gives_did_you_mean_and_the_corrected_results(
        self, app, typed, title, corrected
    ):
        wanted = job(title)
        job("Teacher of Art")

        result = find_vacancies(VacancySearch(keywords=f"{typed} teacher"))

        assert result.ids == [wanted.id]
        assert result.suggestions["spelling"] == {
            "original": f"{typed} teacher",
            "keyword": f"{corrected} teacher",
            "applied": True,
        }

    def test_every_misspelt_word_of_a_longer_search_is_corrected(self, app):
        wanted = job("Teacher of Chemistry and Mathematics")
        job("Teacher of Chemistry")
        job("Teacher of Mathematics")

        result = find_vacancies(VacancySearch(keywords="chemestry and mathamatics teacher"))

        assert result.ids == [wanted.id]
        assert result.suggestions["spelling"] == {
            "original": "chemestry and mathamatics teacher",
            "keyword": "chemistry and mathematics teacher",
            "applied": True,
        }

    def test_a_word_that_matches_is_left_alone(self, app):
        job("Teacher of Chemistry")
        assert "spelling" not in find_vacancies(VacancySearch(keywords="chemistry")).suggestions


class TestFilters:
    def test_contract_types_are_alternatives(self, app):
        permanent = job("A", contract_type="permanent")
        fixed = job("B", contract_type="fixed_term")
        job("C", contract_type="casual")

        assert found(contract_types=("permanent", "fixed_term", "nonsense")) == ids(permanent, fixed)

    def test_yes_no_filters(self, app):
        ect = job("A", ect_status="ect_suitable", visa_sponsorship=True, how_to_apply="marketplace")
        not_ect = job("B", ect_status="ect_unsuitable", visa_sponsorship=False, how_to_apply="website")

        assert found(ect_suitable=True) == ids(ect)
        assert found(visa_sponsorship=True) == ids(ect)
        assert found(quick_apply=True) == ids(ect)
        assert found(quick_apply=False) == ids(ect, not_ect)

    def test_organisation_and_school_types(self, app):
        academy = job("A", organisation=OrganisationFactory(type_group="Academies"))
        free = job("B", organisation=OrganisationFactory(type_group="Free Schools"))
        maintained = job(
            "C",
            organisation=OrganisationFactory(
                type_group="Local authority maintained schools",
                type_name="Community special school",
                religious_character="Church of England",
            ),
        )
        none_faith = job(
            "D", organisation=OrganisationFactory(type_group="Colleges", religious_character="None")
        )

        assert found(organisation_types=("academy",)) == ids(academy, free)
        assert found(organisation_types=("local_authority", "fe_college")) == ids(maintained, none_faith)
        assert found(school_types=("faith_school",)) == ids(maintained)
        assert found(school_types=("special_school",)) == ids(maintained)

    def test_one_school_or_its_trust(self, app):
        trust = OrganisationFactory(kind="trust", urn=None, uid="TR01", name="Northern Lights Trust")
        school = OrganisationFactory(name="Aurora Academy", trust=trust)
        in_school = job("A", organisation=school)
        at_trust = job("B", organisation=trust)
        job("C")

        assert found(organisation=school.slug) == ids(in_school)
        assert found(organisation=trust.slug) == ids(in_school, at_trust)
        assert found(organisation="no-such-school") == set()

    def test_minimum_salary_keeps_ranges_that_reach_it(self, app):
        high = job("A", salary_minimum=30000, salary_maximum=50000)
        job("B", salary_minimum=25000, salary_maximum=32000)
        job("C", salary_minimum=None, salary_maximum=None)

        assert found(minimum_salary=40000) == ids(high)

    def test_posted_within_days(self, app):
        now = utcnow()
        fresh = job("A", published_at=now - dt.timedelta(days=1))
        job("B", published_at=now - dt.timedelta(days=10))

        assert found(posted_within_days=3) == ids(fresh)
        assert len(found(posted_within_days=30)) == 2


class TestFacets:
    def test_counts_honour_the_other_filters_but_not_their_own(self, app):
        job("A", phases=["primary"], working_patterns=["full_time"])
        job("B", phases=["primary"], working_patterns=["part_time"])
        job("C", phases=["secondary"], working_patterns=["part_time"])

        facets = find_vacancies(VacancySearch(phases=("primary",))).facets

        assert facets["phases"]["primary"] == 2
        assert facets["phases"]["secondary"] == 1  # what choosing it as well would add
        assert facets["working_patterns"] == {
            "full_time": 1,
            "part_time": 1,
            "job_share": 0,
            "term_time_only": 0,
        }

    def test_counts_follow_the_keywords(self, app):
        job("Music teacher", phases=["primary"])
        job("Art teacher", phases=["primary"])

        facets = find_vacancies(VacancySearch(keywords="music")).facets
        assert facets["phases"]["primary"] == 1


class TestImpliedFilters:
    def test_phrases_that_imply_a_filter_are_offered_with_counts_never_applied(self, app):
        part_time = job("Part time music teacher", working_patterns=["part_time"], phases=["primary"])
        job("Music teacher", working_patterns=["full_time"], phases=["secondary"])

        result = find_vacancies(VacancySearch(keywords="part time music"))

        assert result.ids == [part_time.id]  # the keywords match; no filter applied
        offered = {(s["filter"], s["value"]): s["count"] for s in result.suggestions["filters"]}
        assert offered[("working_patterns", "part_time")] == 1

    def test_a_filter_already_in_use_is_not_offered(self, app):
        job("SENCO", job_roles=["sendco"])
        result = find_vacancies(VacancySearch(keywords="senco", job_roles=("sendco",)))
        assert all(
            s["filter"] != "job_roles" or s["value"] != "sendco"
            for s in result.suggestions.get("filters", [])
        )


LEEDS = {"town": "Leeds", "postcode": "LS1 1AA", "latitude": 53.7997, "longitude": -1.5492}
YORK = {"town": "York", "postcode": "YO1 7HH", "latitude": 53.9600, "longitude": -1.0873}  # ~22 miles
LONDON = {"town": "London", "postcode": "E14 9TS", "latitude": 51.5049, "longitude": -0.0195}


class TestLocation:
    @pytest.fixture
    def three(self, app):
        return (
            job("Leeds job", organisation=OrganisationFactory(**LEEDS)),
            job("York job", organisation=OrganisationFactory(**YORK)),
            job("London job", organisation=OrganisationFactory(**LONDON)),
        )

    def test_a_place_name_with_the_default_radius(self, three):
        leeds, york, _ = three
        assert found(location="Leeds") == ids(leeds)
        assert found(location="leeds", radius=0) == ids(leeds)  # 0 means the default
        assert found(location="Leeds", radius=25) == ids(leeds, york)

    def test_postcodes_and_districts_resolve_from_the_register(self, three):
        leeds, york, london = three
        assert found(location="e14 9ts") == ids(london)
        assert found(location="E14") == ids(london)
        assert found(location="LS1 1AA", radius=50) == ids(leeds, york)

    def test_nationwide_words_switch_location_off(self, three):
        for word in ("England", "UK", "united kingdom", "Britain"):
            assert found(location=word) == ids(*three), word

    def test_an_unknown_place_is_a_clear_message(self, three):
        with pytest.raises(UnknownLocation, match="We could not find \u2018Atlantis\u2019"):
            find_vacancies(VacancySearch(location="Atlantis"))
        page = search_vacancies(VacancySearch(location="Atlantis"))
        assert "We could not find \u2018Atlantis\u2019" in page.location_problem
        assert page.total == 0  # no results under the message: the whole country would look like an answer
        assert page.vacancies == []

    def test_results_carry_their_distance_and_sort_nearest_first(self, three):
        leeds, york, london = three
        result = find_vacancies(VacancySearch(location="Leeds", radius=200))

        assert result.ids == [leeds.id, york.id, london.id]
        assert result.sort == "distance"
        assert result.distances[leeds.id] < 1
        assert 19 < result.distances[york.id] < 24
        assert 160 < result.distances[london.id] < 175

    def test_an_empty_location_search_offers_wider_radii_with_counts(self, three):
        result = find_vacancies(VacancySearch(location="Harrogate", radius=5))
        assert result.total == 0
        # Leeds is ~13 miles from Harrogate, York ~19: the first radius of each distinct count only.
        assert result.suggestions["wider_radius"] == [
            {"radius": 15, "count": 1},
            {"radius": 20, "count": 2},
            {"radius": 200, "count": 3},
        ]

    def test_an_empty_search_offers_removing_a_filter_with_its_count(self, three):
        result = find_vacancies(VacancySearch(keywords="leeds", phases=("primary",)))
        assert result.total == 0
        assert {"filter": "phases", "count": 1} in result.suggestions["remove_filters"]


class TestSorting:
    def test_relevance_with_keywords_then_closing_date_otherwise(self, app):
        now = utcnow()
        later = job(
            "Teacher of Music", about_role="Music, music, music.", closes_at=now + dt.timedelta(days=9)
        )
        sooner = job("Drama teacher", about_role="Some music.", closes_at=now + dt.timedelta(days=2))

        assert find_vacancies(VacancySearch(keywords="music")).ids == [later.id, sooner.id]
        assert find_vacancies(VacancySearch()).ids == [sooner.id, later.id]
        assert find_vacancies(VacancySearch(keywords="music", sort="closing_date")).ids == [
            sooner.id,
            later.id,
        ]
        assert find_vacancies(VacancySearch(keywords="music", sort="nonsense")).ids == [later.id, sooner.id]
