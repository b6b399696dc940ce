"""Where indexes written before the Whoosh engine moved to marketplace/search/whoosh/ look for their analyzer.

Whoosh pickles the schema, analyzer included, into each index by module path. An index last written by
the earlier layout names `marketplace.search.analysis.VacancyWordFilter`; this alias lets it open (no
rebuild needed) and the next write records the new path. Remove it once every replica has synced or
been rebuilt since the move.
"""

from __future__ import annotations

from marketplace.search.whoosh.analysis import VacancyWordFilter

__all__ = ["VacancyWordFilter"]
