"""Reporting a listing through the test client, as members of the public on different networks would."""

from __future__ import annotations

import re


def confirmation_link(message) -> str:
    """The path of the confirmation link in a report_confirm email."""
    found = re.search(r"http://localhost(/reports/confirm/\S+)", message.text_body)
    assert found, message.text_body
    return found.group(1)


def report_from(client, vacancy_id: int, address: str, email: str | None = None, **data):
    """Report a listing from the network `address`, optionally giving an email address."""
    form = {"category": "scam", "details": "Asks candidates for a fee.", **data}
    if email:
        form["email"] = email
    return client.post(
        f"/jobs/{vacancy_id}/report", data=form, environ_base={"REMOTE_ADDR": address}, follow_redirects=True
    )
