"""Use-cases that orchestrate several domains: submitting and screening a listing, re-screening it on an
edit or a document upload, managing it once live (extend, end early, copy, relist), the JSON Lines
import, the ATS API, and the retention policy.

The layer above the core (accounts, organisations, vacancies, applications) and the policies over it
(moderation, search, alerts, ...): it may import any of them, and none of them imports it. Web views,
the CLI and the worker call these use-cases; like every service they take plain arguments and never
commit.
"""
