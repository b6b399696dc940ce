"""STUB."""


class AccountError(Exception):
    pass
