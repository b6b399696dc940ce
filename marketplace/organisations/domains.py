"""Does a member of staff's email address belong to their school's website? (Pure functions.)

An organisation is verified automatically when someone joins it from a confirmed address on the same
domain as its website: head@stmarys.leeds.sch.uk joining the school at www.stmarys.leeds.sch.uk.

The address may be on the website's own domain or on a subdomain of it (staff.school.org.uk for
school.org.uk), never on a parent: the school at stmarys.leeds.sch.uk does not vouch for addresses at
leeds.sch.uk, which belong to the whole local authority. Addresses at webmail providers never match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

_DOMAIN_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
# A website prefix that names a web server, not the organisation: www, www2, web.
_WEB_SERVER_LABEL = re.compile(r"^(www\d*|web)$")

# Anyone can have an address here, so it says nothing about who employs its owner. The one list of them:
# the moderation rules (personal webmail contact details in a listing) read it from here too.
WEBMAIL_DOMAINS = frozenset(
    {
        "aol.co.uk",
        "aol.com",
        "btinternet.com",
        "gmail.com",
        "gmx.co.uk",
        "gmx.com",
        "googlemail.com",
        "hotmail.co.uk",
        "hotmail.com",
        "icloud.com",
        "live.co.uk",
        "live.com",
        "mail.com",
        "me.com",
        "msn.com",
        "outlook.com",
        "proton.me",
        "protonmail.com",
        "sky.com",
        "talktalk.net",
        "virginmedia.com",
        "yahoo.co.uk",
        "yahoo.com",
        "yandex.com",
        "ymail.com",
        "zoho.com",
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


def _is_webmail(domain: str) -> bool:
    return any(domain == webmail or domain.endswith(f".{webmail}") for webmail in WEBMAIL_DOMAINS)


def _website_vouches(site: str | None) -> bool:
    """False for no site, a shared host or a local authority's family of schools."""
    if not site or site in SHARED_HOSTS:
        return False
    # "leeds.sch.uk" is a local authority's whole family of schools, not one school.
    return not (site.endswith(".sch.uk") and site.count(".") == 2)


def on_domain(email: str, domain: str) -> bool:
    """True when the address is on the domain or one of its subdomains."""
    address = email_domain(email)
    return bool(address) and (address == domain or address.endswith(f".{domain}"))


def email_matches_website(email: str, website: str | None) -> bool:
    """True when the address is on the website's domain or one of its subdomains (see the module notes)."""
    site = website_domain(website)
    address = email_domain(email)
    if not address or _is_webmail(address) or not _website_vouches(site):
        return False
    return on_domain(email, site)


class DomainRefused(ValueError):
    """A domain a moderator may not record for an organisation; str(error) says why."""


def normalise_domain(value: str) -> str:
    """A domain a moderator typed ("@School.org.uk", "https://www.school.org.uk/") in its stored form.

    Raises DomainRefused for something that is not a domain, or one anyone can have an address on.
    """
    text = (value or "").replace("\x00", "").strip().lower().lstrip("@")
    if not text:
        raise DomainRefused("Enter the email domain, like school.org.uk")
    domain = website_domain(text) if ("/" in text or text.startswith("www")) else text.rstrip(".")
    if (
        not domain
        or len(domain) > 253
        or domain.count(".") < 1
        or not all(_DOMAIN_LABEL.fullmatch(label) for label in domain.split("."))
    ):
        raise DomainRefused("Enter the email domain, like school.org.uk")
    if _is_webmail(domain):
        raise DomainRefused(f"{domain} is a webmail provider: anyone can have an address there")
    if not _website_vouches(domain):
        raise DomainRefused(f"{domain} is shared by many organisations: enter the school's own domain")
    return domain


@dataclass(frozen=True)
class DomainCheck:
    """Whether an address is on a domain the organisation owns, and the outcome in a moderator's words."""

    owned: bool
    outcome: str


def check_email_domain(email: str, website: str | None, recorded: Iterable[str] = ()) -> DomainCheck:
    """Is the address on the school's website domain or on a domain a moderator recorded for it?"""
    address = email_domain(email)
    if not address:
        return DomainCheck(False, "no domain in the address")
    if _is_webmail(address):
        return DomainCheck(False, f"webmail address: {address}")
    if email_matches_website(email, website):
        return DomainCheck(True, f"on the school's website domain ({website_domain(website)})")
    recorded = sorted(recorded)
    for domain in recorded:
        if on_domain(email, domain):
            return DomainCheck(True, f"on a domain a moderator recorded for this organisation ({domain})")
    site = website_domain(website)
    known = [site] if _website_vouches(site) else []
    known += [domain for domain in recorded if domain not in known]
    if not known:
        reason = f"a shared host ({site})" if site else "none on record"
        return DomainCheck(False, f"different domain: {address}; the organisation's own domain is {reason}")
    return DomainCheck(False, f"different domain: {address} vs {', '.join(known)}")
