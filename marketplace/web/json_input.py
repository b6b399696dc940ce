"""JSON read from requests: nothing deeper than a listing needs, and only numbers JSON allows.

A body of ten thousand nested brackets makes Python's parser raise RecursionError, which is not a
ValueError, so Flask would let it through as a 500; one nested a few hundred deep parses but can
exhaust the stack later, in any code that walks it. Python also reads `NaN` and `Infinity`, which
are not JSON and which `int()` refuses. Each of these is a ValueError here, so `request.get_json()`
answers 400 (a JSON error under /api/), and `get_json(silent=True)` gives None, as for any bad body.
"""

from __future__ import annotations

import json
from typing import Any

from flask import current_app, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import BadRequest

# A listing is an object of lists and small objects: three levels. Thirty-two leaves room for any
# client's envelope while keeping every walk of a body far from the interpreter's recursion limit.
MAX_DEPTH = 32


class TooDeep(ValueError):
    """A JSON body nested deeper than MAX_DEPTH."""


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def depth(value: Any) -> int:
    """How deeply `value` nests lists and objects (a scalar is 0), walked without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            level += 1
            deepest = max(deepest, level)
            if deepest > MAX_DEPTH:
                return deepest
            stack.extend((child, level) for child in item)
    return deepest


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, refusing bodies nested deeper than MAX_DEPTH and the non-JSON NaN and Infinity."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        kwargs.setdefault("parse_constant", _refuse_constant)
        try:
            value = json.loads(s, **kwargs)
        except RecursionError:
            raise TooDeep(f"The JSON is nested more than {MAX_DEPTH} levels deep") from None
        if depth(value) > MAX_DEPTH:
            raise TooDeep(f"The JSON is nested more than {MAX_DEPTH} levels deep")
        return value


def json_body() -> Any:
    """The request's JSON body; None when it is not sent as JSON. A body that does not parse (or nests
    too deeply) is a 400 naming the problem."""
    if not request.is_json:
        return None
    try:
        return current_app.json.loads(request.get_data())
    except ValueError as error:
        raise BadRequest(f"The body is not JSON the API can read: {error}") from None
