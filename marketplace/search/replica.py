"""STUB: replaced by the search replica implementation."""


def init_app(app):
    pass
