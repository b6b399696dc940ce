"""Whether a member of staff's address vouches for their school's website, and register value clean-up."""

import pytest

from marketplace.organisations.domains import email_matches_website, website_domain
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
