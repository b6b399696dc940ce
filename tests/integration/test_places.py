"""Where a search is centred: postcodes of all of Great Britain, the register's towns and localities,
counties and regions by membership, and names of several places (issue: search quality)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marketplace.extensions import db
from marketplace.search.api import VacancySearch, find_vacancies, search_vacancies
from marketplace.search.geo import (
    AmbiguousLocation,
    Point,
    UnknownLocation,
    distance_metres,
    miles,
    postcodes,
    resolve,
)
from tests.factories import OrganisationFactory, VacancyFactory


def school(town: str, latitude: float, longitude: float, **fields):
    fields.setdefault("local_authority", None)
    fields.setdefault("county", None)
    fields.setdefault("region", None)
    return OrganisationFactory(town=town, latitude=latitude, longitude=longitude, **fields)


def job(organisation, title: str | None = None):
    return VacancyFactory(
        published=True, title=title or f"Teacher at {organisation.town}", organisation=organisation
    )


def found(**options) -> set[int]:
    return set(find_vacancies(VacancySearch(per_page=100, **options)).ids)


def ids(*vacancies) -> set[int]:
    return {vacancy.id for vacancy in vacancies}


def near(location, latitude: float, longitude: float, within_miles: float = 2) -> bool:
    return miles(distance_metres(location.point, Point(latitude, longitude))) <= within_miles


class TestPostcodes:
    def test_every_postcode_district_and_sector_in_the_data_resolves_to_its_centre(self, app):
        data = postcodes()
        districts = [code for code in data if " " not in code]
        assert len(districts) > 2800  # every district in Great Britain, not a sample
        assert sum(1 for code in data if " " in code) > 10_000
        for code, known in data.items():
            location = resolve(code, db.session)
            assert location.point == known.point, code

    def test_home_postcodes_resolve_through_their_sector_with_no_school_there(self, app):
        manchester = resolve("M1 1AE", db.session)
        westminster = resolve("sw1a1aa", db.session)
        york = resolve("YO1 7HH", db.session)

        assert near(manchester, 53.4808, -2.2426, 1)  # Manchester city centre
        assert near(westminster, 51.501, -0.1419, 1)  # Buckingham Palace
        assert york.point == postcodes()["YO1 7"].point
        assert york.name == "YO1 7HH"
        assert westminster.name == "SW1A 1AA"

    def test_a_postcode_in_an_unknown_sector_falls_back_to_its_district(self, app):
        sectors = {code for code in postcodes() if code.startswith("YO1 ")}
        unused = next(f"YO1 {digit}" for digit in "0123456789" if f"YO1 {digit}" not in sectors)
        location = resolve(f"{unused}ZZ", db.session)
        assert location.point == postcodes()["YO1"].point

    def test_an_unknown_postcode_is_a_clear_message(self, app):
        with pytest.raises(UnknownLocation, match="We could not find"):
            resolve("ZZ9 9ZZ", db.session)

    def test_postcodes_near_the_border_resolve_and_are_labelled_with_their_country(self, app):
        assert postcodes()["CF10"].country == "W"
        assert postcodes()["EH1"].country == "S"
        assert postcodes()["YO1"].country == "E"
        assert resolve("CH5 1AA", db.session).point is not None

    def test_a_home_postcode_finds_the_schools_around_it(self, app):
        piccadilly = job(school("Manchester", 53.4794, -2.2453, postcode="M1 3BB"))
        job(school("Leeds", 53.7997, -1.5492))
        assert found(location="M1 1AE", radius=5) == ids(piccadilly)


class TestTownsAndLocalities:
    def test_towns_and_localities_of_the_register_resolve(self, app):
        amesbury = job(school("Amesbury", 51.1730, -1.7800, local_authority="Wiltshire"))
        otley = job(school("Otley", 53.9050, -1.6940, local_authority="Leeds"))
        ilkley = job(school("Ilkley", 53.9250, -1.8220, local_authority="Bradford"))
        hebden = job(school("Hebden Bridge", 53.7420, -2.0120, local_authority="Calderdale"))
        headingley = job(school("Leeds", 53.8196, -1.5764, locality="Headingley", local_authority="Leeds"))

        for typed, vacancy, (latitude, longitude) in [
            ("Amesbury", amesbury, (51.1730, -1.7800)),
            ("otley", otley, (53.9050, -1.6940)),
            ("Ilkley", ilkley, (53.9250, -1.8220)),
            ("Hebden Bridge", hebden, (53.7420, -2.0120)),
            ("Headingley", headingley, (53.8196, -1.5764)),
        ]:
            location = resolve(typed, db.session)
            assert near(location, latitude, longitude, 0.1), typed
            assert vacancy.id in found(location=typed, radius=1), typed
        assert resolve("Headingley", db.session).name == "Headingley"

    def test_a_locality_followed_by_another_address_line_still_resolves(self, app):
        job(school("Leeds", 53.8196, -1.5764, locality="Headingley, North Lane"))
        assert near(resolve("Headingley", db.session), 53.8196, -1.5764, 0.1)

    def test_one_mistyped_town_far_away_does_not_make_a_city_ambiguous(self, app):
        school("Leeds", 51.45, -2.59)  # a Bristol school whose town says Leeds
        location = resolve("Leeds", db.session)
        assert near(location, 53.8008, -1.5491, 1)

    def test_a_town_in_two_local_authorities_is_one_place(self, app):
        school("Todmorden", 53.7130, -2.0980, local_authority="Calderdale")
        school("Todmorden", 53.7200, -2.1100, local_authority="Lancashire")
        assert resolve("Todmorden", db.session).name == "Todmorden"

    def test_words_after_a_place_narrow_it_or_are_ignored(self, app):
        assert resolve("Leeds West Yorkshire", db.session).name == "Leeds"
        assert resolve("York, UK", db.session).name == "York"


def newport_and_richmond():
    return {
        "iow": [
            school("Newport", 50.7010, -1.2883, local_authority="Isle of Wight", county="Isle of Wight"),
            school("Newport", 50.6950, -1.3000, local_authority="Isle of Wight"),
        ],
        "salop": [
            school("Newport", 52.7688, -2.3786, local_authority="Telford and Wrekin", county="Shropshire"),
            school("Newport", 52.7700, -2.3700, local_authority="Telford and Wrekin", county="Shropshire"),
        ],
        "richmond": [
            school("Richmond", 54.4030, -1.7370, local_authority="North Yorkshire"),
            school("Richmond", 54.4050, -1.7400, local_authority="North Yorkshire"),
        ],
    }


class TestAmbiguousNames:
    def test_a_name_of_places_far_apart_lists_the_choices(self, app):
        newport_and_richmond()
        with pytest.raises(AmbiguousLocation) as newport:
            resolve("Newport", db.session)
        assert newport.value.choices == ["Newport, Isle of Wight", "Newport, Shropshire"]
        assert "Did you mean Newport, Isle of Wight or Newport, Shropshire?" in str(newport.value)

        with pytest.raises(AmbiguousLocation) as richmond:
            resolve("richmond", db.session)
        assert richmond.value.choices == ["Richmond, Greater London", "Richmond, North Yorkshire"]

    def test_each_choice_resolves_to_its_own_place(self, app):
        places = newport_and_richmond()
        on_the_island = job(places["iow"][0])
        in_shropshire = job(places["salop"][0])

        assert found(location="Newport, Isle of Wight", radius=5) == ids(on_the_island)
        assert found(location="Newport, Shropshire", radius=5) == ids(in_shropshire)
        assert resolve("Newport Shropshire", db.session).name == "Newport, Shropshire"
        assert near(resolve("Richmond, North Yorkshire", db.session), 54.404, -1.738, 1)
        assert resolve("Richmond upon Thames", db.session).name == "Richmond"

    def test_the_search_page_read_side_reports_the_choices_and_no_results(self, app):
        places = newport_and_richmond()
        job(places["iow"][0])
        page = search_vacancies(VacancySearch(location="Newport"))
        assert page.total == 0
        assert page.vacancies == []
        assert page.location_choices == ("Newport, Isle of Wight", "Newport, Shropshire")


KENT = {"local_authority": "Kent", "region": "South East"}


class TestAreasByMembership:
    def test_kent_is_every_school_in_kent_and_medway_however_far_from_its_middle(self, app):
        dover = job(school("Dover", 51.1279, 1.3134, **KENT))
        margate = job(school("Margate", 51.3813, 1.3862, **KENT))
        tunbridge_wells = job(school("Tunbridge Wells", 51.1324, 0.2637, **KENT))
        chatham = job(school("Chatham", 51.3790, 0.5290, local_authority="Medway", region="South East"))
        # A London borough with a Kent postal address, and a school over the border in East Sussex.
        job(school("Bromley", 51.4060, 0.0130, local_authority="Bromley", county="Kent", region="London"))
        job(school("Hastings", 50.8560, 0.5730, local_authority="East Sussex", region="South East"))

        kent = ids(dover, margate, tunbridge_wells, chatham)
        assert found(location="Kent") == kent
        assert found(location="kent", radius=1) == kent  # membership: the radius does not apply
        result = find_vacancies(VacancySearch(location="Kent"))
        assert result.distances == {}
        assert result.location.area.name == "Kent"

    def test_north_yorkshire_holds_york_and_harrogate_and_yorkshire_holds_all_four_counties(self, app):
        york = job(
            school("York", 53.9600, -1.0873, local_authority="York", region="Yorkshire and the Humber")
        )
        harrogate = job(
            school(
                "Harrogate",
                53.9920,
                -1.5410,
                local_authority="North Yorkshire",
                region="Yorkshire and the Humber",
            )
        )
        middlesbrough = job(school("Middlesbrough", 54.5742, -1.2350, local_authority="Middlesbrough"))
        leeds = job(
            school("Leeds", 53.8008, -1.5491, local_authority="Leeds", region="Yorkshire and the Humber")
        )
        hull = job(
            school(
                "Hull",
                53.7676,
                -0.3274,
                local_authority="Kingston upon Hull, City of",
                region="Yorkshire and the Humber",
            )
        )
        scunthorpe = job(
            school(
                "Scunthorpe",
                53.5809,
                -0.6502,
                local_authority="North Lincolnshire",
                region="Yorkshire and the Humber",
            )
        )

        assert found(location="North Yorkshire") == ids(york, harrogate, middlesbrough)
        assert found(location="Yorkshire") == ids(york, harrogate, middlesbrough, leeds, hull)
        assert found(location="Yorkshire and the Humber") == ids(york, harrogate, leeds, hull, scunthorpe)
        assert found(location="West Yorkshire") == ids(leeds)

    def test_the_county_column_counts_for_a_local_authority_the_table_does_not_know(self, app):
        # The test factories' schools, and a school of a local authority created after the table.
        listed = job(school("Leeds", 53.8008, -1.5491, county="West Yorkshire"))
        newer = job(
            school("Wetherby", 53.9280, -1.3860, local_authority="Leeds North", county="West Yorkshire")
        )
        assert found(location="West Yorkshire") == ids(listed, newer)

    def test_a_local_authority_of_the_register_is_an_area(self, app):
        hebden = job(school("Hebden Bridge", 53.7420, -2.0120, local_authority="Calderdale"))
        job(school("Leeds", 53.8008, -1.5491, local_authority="Leeds"))
        assert found(location="Calderdale") == ids(hebden)

    def test_a_city_keeps_its_circle(self, app):
        leeds = job(school("Leeds", 53.8008, -1.5491, local_authority="Leeds"))
        bradford = job(school("Bradford", 53.7960, -1.7594, local_authority="Bradford"))
        assert found(location="Leeds", radius=5) == ids(leeds)
        assert found(location="Leeds", radius=15) == ids(leeds, bradford)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    typed=st.one_of(
        st.text(max_size=120),
        st.from_regex(r"[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{0,2}", fullmatch=True),
        st.sampled_from(
            [
                "Newport",
                "Kent",
                "%",
                "_",
                "\\",
                "a, b, c",
                "N%, _",
                "'; drop table x; --",
                "Leeds\x00",
                "\x00",
            ]
        ),
    )
)
def test_any_location_resolves_or_is_a_clear_message(app, typed):
    try:
        location = resolve(typed, db.session)
    except UnknownLocation as problem:
        message = str(problem)
        location = None
    else:
        message = None
    assert location is None or location.name
    page = search_vacancies(VacancySearch(location=typed))
    assert page.location_problem == message
