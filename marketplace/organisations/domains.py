"""Does a member of staff's email address belong to their school's website? (Pure functions.)

An organisation is verified automatically when someone joins it from a confirmed address on the same
domain as its website: head@stmarys.leeds.sch.uk joining the school at www.stmarys.leeds.sch.uk.

The address may be on the website's own domain or on a subdomain of it (staff.school.org.uk for
school.org.uk), never on a parent: the school at stmarys.leeds.sch.uk does not vouch for addresses at
leeds.sch.uk, which belong to the whole local authority. Addresses at webmail providers never match.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# A website prefix that names a web server, not the organisation: www, www2, web.
_WEB_SERVER_LABEL = re.compile(r"^(www\d*|web)$")

# Anyone can have an address here, so it says nothing about who employs its owner.
WEBMAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "hotmail.com",
        "hotmail.co.uk",
        "outlook.com",
        "live.com",
        "live.co.uk",
        "msn.com",
        "yahoo.com",
        "yahoo.co.uk",
        "icloud.com",
        "me.com",
        "aol.com",
        "btinternet.com",
        "sky.com",
        "virginmedia.com",
        "talktalk.net",
        "protonmail.com",
        "proton.me",
        "gmx.com",
        "mail.com",
    }
)

# Shared hosts and public suffixes: a school's site here is one of thousands on the same domain.
SHARED_HOSTS = frozenset(
    {
        "sch.uk",
        "org.uk",
        "co.uk",
        "ac.uk",
        "gov.uk",
        "google.com",
        "sites.google.com",
        "wixsite.com",
        "weebly.com",
        "wordpress.com",
        "blogspot.com",
        "squarespace.com",
        "github.io",
    }
)


def email_domain(email: str) -> str:
    """The part of an address after the @, lower-cased, without a trailing dot."""
    return email.rpartition("@")[2].strip().lower().rstrip(".")


def website_domain(website: str | None) -> str | None:
    """A website's host without its web-server prefix: "www.school.org.uk/" -> "school.org.uk"."""
    website = (website or "").strip()
    if not website:
        return None
    if "://" not in website:
        website = f"http://{website}"
    try:
        host = (urlsplit(website).hostname or "").lower().rstrip(".")
    except ValueError:
        return None
    labels = [label for label in host.split(".") if label]
    while len(labels) > 2 and _WEB_SERVER_LABEL.match(labels[0]):
        labels = labels[1:]
    if len(labels) < 2 or not all(re.fullmatch(r"[a-z0-9-]+", label) for label in labels):
        return None
    return ".".join(labels)


def email_matches_website(email: str, website: str | None) -> bool:
    """True when the address is on the website's domain or one of its subdomains (see the module notes)."""
    site = website_domain(website)
    address = email_domain(email)
    if not site or not address or address in WEBMAIL_DOMAINS or site in SHARED_HOSTS:
        return False
    if any(
        site.endswith(f".{shared}") and site.count(".") == shared.count(".") + 1 for shared in ("sch.uk",)
    ):
        return False  # "leeds.sch.uk" is a local authority's whole family of schools, not one school
    return address == site or address.endswith(f".{site}")
