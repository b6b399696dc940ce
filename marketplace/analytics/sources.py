"""Where a listing's views came from, in a few buckets: no full addresses, nothing about the person.

A pure function of the Referer header, an optional `src` tag on our own links (job alert emails carry
`src=alert`, the Atom feed `src=feed`) and our own host name. Only the bucket is stored.
"""

from __future__ import annotations

from urllib.parse import urlsplit

MARKETPLACE = "marketplace"
ALERT = "alert"
FEED = "feed"
SEARCH_ENGINE = "search_engine"
OTHER_WEBSITE = "other_website"
DIRECT = "direct"
UNKNOWN = "unknown"

# In the order the statistics page lists them.
SOURCE_LABELS = {
    MARKETPLACE: "Marketplace search and pages",
    ALERT: "Job alert emails",
    FEED: "Feeds and the API",
    SEARCH_ENGINE: "Search engines",
    OTHER_WEBSITE: "Other websites",
    DIRECT: "Direct (no referring page)",
    UNKNOWN: "Not recorded",
}

# The `src` tags our own links may carry, and the bucket each means.
SRC_TAGS = {"alert": ALERT, "email": ALERT, "feed": FEED, "api": FEED, "search": MARKETPLACE}

# Search engines by their registrable name: the label before the public suffix, so www.google.co.uk
# and uk.search.yahoo.com match while google.example.org (someone else's site) does not.
_SEARCH_ENGINES = frozenset(
    {"google", "bing", "yahoo", "duckduckgo", "ecosia", "baidu", "yandex", "startpage", "qwant", "brave"}
)
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "ac"})


def _is_search_engine(host: str) -> bool:
    labels = host.split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        name = labels[-3]  # google.co.uk
    elif len(labels) >= 2:
        name = labels[-2]  # google.com, uk.search.yahoo.com
    else:
        return False
    return name in _SEARCH_ENGINES


def classify(referrer: str | None, src: str | None, own_host: str) -> str:
    """The bucket a view falls in. Our own tag wins over the Referer, which browsers often trim or drop."""
    tag = (src or "").strip().lower()
    if tag in SRC_TAGS:
        return SRC_TAGS[tag]
    try:
        host = (urlsplit((referrer or "").strip()).hostname or "").lower()
    except ValueError:  # a malformed header is just an unknown referrer
        host = ""
    if not host:
        return DIRECT
    own = (own_host or "").split(":")[0].lower()
    if own and (host == own or host.endswith("." + own)):
        return MARKETPLACE
    if _is_search_engine(host):
        return SEARCH_ENGINE
    return OTHER_WEBSITE


def bucket(stored: object) -> str:
    """A stored value as a known bucket: views recorded before sources were kept are 'not recorded'."""
    return stored if isinstance(stored, str) and stored in SOURCE_LABELS else UNKNOWN
