"""Vacancies: the listing, its lifecycle, the use-cases that change it and the queries that read it."""
