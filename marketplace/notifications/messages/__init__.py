"""The message catalogue: one function per email, named for the email.

Each function takes ids and plain values, loads what it needs, builds every link with
`marketplace.links.external_url` and queues the email through the outbox in the caller's transaction.
It is the only code that names an email template or writes its subject line.

The core domain (accounts, organisations, vacancies, applications) never calls it: it announces a domain
event and `marketplace.notifications.subscriptions` sends the email. Moderation and alerts, which sit
above notifications, call these functions directly.
"""

from marketplace.notifications.messages import (
    accounts,
    alerts,
    applications,
    moderation,
    organisations,
    vacancies,
)

__all__ = ["accounts", "alerts", "applications", "moderation", "organisations", "vacancies"]
