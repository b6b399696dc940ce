"""The Whoosh backend of the search port: the only package that imports Whoosh.

Each node keeps its own index folder, a replica fed by the durable change log; `WhooshBackend`
(backend.py) is what marketplace.search.api hands to the rest of the app.
"""
