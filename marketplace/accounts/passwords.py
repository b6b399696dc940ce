"""Password hashing with argon2id, and the rules a new password must meet."""

from __future__ import annotations

import itertools
import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from marketplace.accounts.common_passwords import COMMON_PASSWORDS, GUESSABLE_WORDS

# argon2-cffi's defaults are RFC 9106's low-memory profile of argon2id.
_hasher = PasswordHasher()

# Verifying against this when no account exists makes "no such user" take as long as "wrong password".
_DUMMY_HASH = _hasher.hash("not a real password")

MIN_LENGTH = 10
# Long enough for any passphrase or password manager; anything longer is a mistake or an attack.
MAX_LENGTH = 128

TOO_SHORT = f"Password must be {MIN_LENGTH} characters or more"
TOO_LONG = f"Password must be {MAX_LENGTH} characters or fewer"
TOO_COMMON = "Password is too easy to guess. Try 3 random words together, or use a password manager"
IS_EMAIL = "Password must not be your email address"

# Digits, punctuation and spaces that people add around a word to satisfy old-style rules.
_DECORATION = re.compile(r"[\d\W_]*(.*?)[\d\W_]*", re.DOTALL)  # DOTALL: a password may hold a line break
# Letters people swap for look-alike digits and symbols ("P@ssw0rd"); attackers' word lists swap them back.
_LEET = str.maketrans(
    {"@": "a", "4": "a", "0": "o", "1": "i", "!": "i", "3": "e", "$": "s", "5": "s", "7": "t"}
)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def password_problem(password: str, email: str = "") -> str | None:
    """Why `password` is not acceptable for the account with `email`, in words for the person; None if it is.

    Length and guessability only, as NCSC and NIST SP 800-63B advise: no rules about mixing character
    types, which push people towards `Password1!`.
    """
    if len(password) < MIN_LENGTH:
        return TOO_SHORT
    if len(password) > MAX_LENGTH:
        return TOO_LONG
    lowered = password.strip().lower()
    email = email.strip().lower()
    local_part = email.split("@")[0]
    if email and lowered in {email, local_part}:
        return IS_EMAIL
    if _is_guessable(lowered):
        return TOO_COMMON
    return None


def _is_guessable(lowered: str) -> bool:
    if lowered in COMMON_PASSWORDS or len(set(lowered)) <= 2:
        return True
    core = _DECORATION.fullmatch(lowered).group(1).replace(" ", "")
    if {core, core.translate(_LEET)} & (GUESSABLE_WORDS | COMMON_PASSWORDS):
        return True
    # "abcdefghij", "9876543210": runs of the alphabet or the digits.
    return _is_sequence(lowered)


def _is_sequence(text: str) -> bool:
    steps = {ord(b) - ord(a) for a, b in itertools.pairwise(text)}
    return len(steps) == 1 and steps <= {-1, 0, 1}
