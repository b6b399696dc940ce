"""Where a listing's views came from: a bucket from the Referer header and our own `src` tags."""

import pytest

from marketplace.analytics.sources import SOURCE_LABELS, bucket, classify

OWN = "jobs.example.org"


@pytest.mark.parametrize(
    ("referrer", "src", "expected"),
    [
        (None, None, "direct"),
        ("", "", "direct"),
        ("https://jobs.example.org/jobs?keyword=maths", None, "marketplace"),
        ("https://jobs.example.org/schools/riverside", None, "marketplace"),
        ("http://jobs.example.org:8000/jobs", None, "marketplace"),
        (None, "alert", "alert"),
        ("https://mail.example.com/inbox", "alert", "alert"),  # our tag wins over the webmail's address
        (None, "feed", "feed"),
        (None, "API", "feed"),
        ("https://www.google.co.uk/", None, "search_engine"),
        ("https://www.google.com/search?q=maths+teacher", None, "search_engine"),
        ("https://www.bing.com/search?q=teacher", None, "search_engine"),
        ("https://duckduckgo.com/", None, "search_engine"),
        ("https://uk.search.yahoo.com/", None, "search_engine"),
        ("https://www.riverside.example.org/vacancies", None, "other_website"),
        ("https://www.linkedin.com/feed", None, "other_website"),
        (
            "https://google.example.org/",
            None,
            "other_website",
        ),  # a company called google.example.org is not Google
        ("https://jobs.example.org.evil.example/", None, "other_website"),
        ("not a url at all", None, "direct"),
        ("http://[::1", None, "direct"),  # malformed: an unknown referrer, never an error
        (None, "something-else", "direct"),
    ],
)
def test_each_view_falls_in_one_bucket(referrer, src, expected):
    assert classify(referrer, src, OWN) == expected


def test_only_the_bucket_is_kept_and_every_bucket_reads_well():
    assert all(classify(r, None, OWN) in SOURCE_LABELS for r in ("https://a.example/", None))
    assert bucket(None) == "unknown"  # views recorded before sources were kept
    assert bucket("https://www.google.com/") == "unknown"  # never a stored address
    assert bucket("search_engine") == "search_engine"
