"""The demo jobseeker's mathematics application, taken further: shortlisted, talked about and referenced.

Made through the same services the pages use, so it looks as it would after real use: the school invites
the candidate from its "Invite to interview" template and they write back and forth (the candidate's last
message is still unread by the school); the school asks both referees for references, the headteacher has
answered through her emailed link and the head of department has not yet. The emails those steps send
(status change, new messages, reference requests) wait in the outbox like any others.
"""

from __future__ import annotations

import datetime as dt

from marketplace.accounts.models import User
from marketplace.applications import conversations, inbox, references
from marketplace.applications.events import ReferenceRequested
from marketplace.applications.lifecycle import ApplicationAction, ApplicationStatus
from marketplace.applications.models import Application
from marketplace.events import subscribe, unsubscribe

REFEREES = (
    {
        "name": "Margaret Holroyd",
        "job_title": "Headteacher",
        "organisation": "Thornbury Academy, Bradford",
        "email": "m.holroyd@thornbury-academy.example.org",
        "relationship": "My current headteacher",
    },
    {
        "name": "David Lees",
        "job_title": "Head of Mathematics",
        "organisation": "Thornbury Academy, Bradford",
        "email": "d.lees@thornbury-academy.example.org",
        "relationship": "My head of department",
    },
)
# The headteacher's reference, as she gave it through her link.
REFERENCE_GIVEN = {
    "suitable_with_children": "yes",
    "concerns": "no",
    "relationship": "I have been Priya's headteacher since she joined Thornbury Academy.",
    "known_from": "September 2021",
    "known_until": "",
    "comments": "Priya is a thoughtful, well-organised teacher whose lessons are calm and purposeful. She "
    "rewrote our key stage 3 scheme of work, mentors our trainees and is trusted by students and parents "
    "alike. I recommend her without reservation.",
    "referee_name": "Margaret Holroyd",
}
CANDIDATE_REPLY = (
    "Thank you so much for the invitation. I could come in on Tuesday or Thursday afternoon next week, "
    "or any time on the Friday. Would you like me to prepare a lesson?"
)
SCHOOL_REPLY = (
    "Thank you, Priya. Thursday at 1.30pm is perfect: you will teach a 30-minute lesson to Year 9 on "
    "solving linear equations (about 28 students, mixed attainment), then meet the head of department and "
    "me. We have also asked your referees for their references."
)
CANDIDATE_LAST = (
    "Thursday at 1.30pm is great, thank you. Could you tell me whether the classroom has a visualiser? "
    "I will bring my certificates and passport for the identity checks."
)


def _referee_tokens(school_user: User, application: Application, now: dt.datetime) -> dict[int, str]:
    """Ask the referees, keeping each emailed link's token (the demo stands in for a referee opening it)."""
    tokens: dict[int, str] = {}

    def keep(event: ReferenceRequested) -> None:
        tokens[event.request_id] = event.token

    subscribe(ReferenceRequested)(keep)
    try:
        references.request_references(school_user, application, now=now)
    finally:
        unsubscribe(ReferenceRequested, keep)
    return tokens


def load_conversation_and_references(
    school_user: User, application: Application | None, now: dt.datetime
) -> dict[str, int]:
    """Shortlist the application, add the conversation and the references unless there already (the
    caller commits); returns how many messages and reference requests were added."""
    added = {"messages": 0, "reference requests": 0}
    if application is None or application.submitted_at is None or application.messages:
        return added
    if application.status not in (ApplicationStatus.SUBMITTED, *references.REFERENCES_FROM):
        return added  # withdrawn or turned down in this database: leave it as it is
    start = application.submitted_at
    span = now - start

    def at(fraction: float) -> dt.datetime:
        return (start + span * fraction).replace(microsecond=0)

    if application.status is ApplicationStatus.SUBMITTED:
        inbox.change_status(school_user, application, ApplicationAction.SHORTLIST, now=at(0.2))
    invitation = conversations.fill_template(conversations.STANDARD_TEMPLATES[0][1], application)
    conversations.send_from_school(school_user, application, invitation, now=at(0.25))
    conversations.mark_read(application, by_school=False, now=at(0.35))
    conversations.send_from_candidate(application.jobseeker, application, CANDIDATE_REPLY, now=at(0.4))
    conversations.mark_read(application, by_school=True, now=at(0.5))
    added["messages"] += 2

    if not application.references:
        if not references.named_referees(application):
            application.answers = {
                **(application.answers or {}),
                "referees": {"data": {"items": list(REFEREES)}},
            }
        tokens = _referee_tokens(school_user, application, at(0.5))
        first = min(tokens)
        references.submit_reference(tokens[first], REFERENCE_GIVEN, now=at(0.7))
        added["reference requests"] += len(tokens)

    conversations.send_from_school(school_user, application, SCHOOL_REPLY, now=at(0.55))
    conversations.mark_read(application, by_school=False, now=at(0.8))
    conversations.send_from_candidate(application.jobseeker, application, CANDIDATE_LAST, now=at(0.85))
    added["messages"] += 2
    return added
