"""Whether a member of staff's address vouches for their school's website, and register value clean-up."""

import pytest

from marketplace.organisations.domains import (
    WEBMAIL_DOMAINS,
    DomainRefused,
    check_email_domain,
    email_matches_website,
    normalise_domain,
    website_domain,
)
from marketplace.organisations.register import normalise_postcode, normalise_website, phase_for


@pytest.mark.parametrize(
    ("email", "website", "matches"),
    [
        ("head@kirkstall.leeds.sch.uk", "www.kirkstall.leeds.sch.uk", True),
        ("Head@CLSG.org.uk", "http://www.clsg.org.uk/", True),
        ("office@staff.riverside.org.uk", "https://riverside.org.uk/about", True),
        ("office@riverside.org.uk", "https://www2.riverside.org.uk", True),
        ("head@leeds.sch.uk", "www.kirkstall.leeds.sch.uk", False),  # the local authority, not the school
        ("head@riverside.org.uk.evil.com", "www.riverside.org.uk", False),
        ("head@notriverside.org.uk", "www.riverside.org.uk", False),
        ("head@gmail.com", "https://gmail.com", False),
        ("head@sites.google.com", "https://sites.google.com/view/riverside", False),
        ("head@org.uk", "http://org.uk", False),
        ("head@riverside.org.uk", "", False),
        ("head@riverside.org.uk", None, False),
        ("head@riverside.org.uk", "http://[broken", False),
    ],
)
def test_an_address_matches_its_school_website_domain_or_a_subdomain_of_it(email, website, matches):
    assert email_matches_website(email, website) is matches


def test_the_web_server_prefix_is_not_part_of_the_domain():
    assert website_domain("www.clsg.org.uk") == "clsg.org.uk"
    assert website_domain("http://www.stpauls.co.uk/school/school.htm") == "stpauls.co.uk"
    assert website_domain("www.com") == "www.com"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("ls1 1aa", "LS1 1AA"), ("EC3A5DE", "EC3A 5DE"), (" SW1A  2AA ", "SW1A 2AA"), ("Ms", None), ("", None)],
)
def test_postcodes_are_written_the_usual_way(value, expected):
    assert normalise_postcode(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("www.sirjohncassprimary.org", "http://www.sirjohncassprimary.org"),
        ("https://www.clsg.org.uk", "https://www.clsg.org.uk"),
        ("Joanna", None),
        ("", None),
    ],
)
def test_websites_become_links_that_work(value, expected):
    assert normalise_website(value) == expected


def test_unknown_phases_are_left_empty():
    assert phase_for("Primary") == "primary"
    assert phase_for("Something new") is None


@pytest.mark.parametrize(
    ("email", "website", "recorded", "owned", "outcome"),
    [
        ("amira@gmail.com", "www.meanwoodbeck.org.uk", (), False, "webmail address: gmail.com"),
        ("amira@mail.yahoo.co.uk", None, (), False, "webmail address: mail.yahoo.co.uk"),
        (
            "head@meanwoodbeck.org.uk",
            "https://www.meanwoodbeck.org.uk",
            (),
            True,
            "on the school's website domain (meanwoodbeck.org.uk)",
        ),
        (
            "head@meanwood.leeds.sch.uk",
            "https://www.meanwoodbeck.org.uk",
            ("meanwood.leeds.sch.uk",),
            True,
            "on a domain a moderator recorded for this organisation (meanwood.leeds.sch.uk)",
        ),
        ("head@x.org", "www.school.org", (), False, "different domain: x.org vs school.org"),
        (
            "head@x.org",
            "www.school.org",
            ("school.sch.uk",),
            False,
            "different domain: x.org vs school.org, school.sch.uk",
        ),
        (
            "head@x.org",
            "https://sites.google.com/view/school",
            (),
            False,
            "different domain: x.org; the organisation's own domain is a shared host (sites.google.com)",
        ),
        (
            "head@x.org",
            None,
            (),
            False,
            "different domain: x.org; the organisation's own domain is none on record",
        ),
    ],
)
def test_the_domain_check_says_what_it_found_in_words(email, website, recorded, owned, outcome):
    check = check_email_domain(email, website, recorded)
    assert (check.owned, check.outcome) == (owned, outcome)


@pytest.mark.parametrize(
    ("typed", "domain"),
    [
        ("school.org.uk", "school.org.uk"),
        (" @Staff.School.ORG.uk. ", "staff.school.org.uk"),
        ("https://www.school.org.uk/contact", "school.org.uk"),
        ("meanwood.leeds.sch.uk", "meanwood.leeds.sch.uk"),
    ],
)
def test_moderators_type_a_domain_as_they_find_it(typed, domain):
    assert normalise_domain(typed) == domain


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "gmail.com",
        "hotmail.co.uk",
        "sch.uk",
        "leeds.sch.uk",
        "org.uk",
        "localhost",
        "not a domain",
        "-x-.org",
    ],
)
def test_webmail_shared_hosts_and_nonsense_are_never_recorded(typed):
    with pytest.raises(DomainRefused):
        normalise_domain(typed)


def test_one_webmail_list_serves_joining_and_the_listing_rules():
    from marketplace.moderation import rules

    assert rules.WEBMAIL_DOMAINS is WEBMAIL_DOMAINS
    assert {"gmail.com", "ymail.com", "yandex.com", "icloud.com"} <= WEBMAIL_DOMAINS
