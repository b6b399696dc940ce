"""Where the migrations and the static files are: beside the package in a checkout, or where the wheel put
them (`<prefix>/share/teacher-vacancy-marketplace`) in an installed marketplace."""

from __future__ import annotations

import sys
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
INSTALLED = Path(sys.prefix) / "share" / "teacher-vacancy-marketplace"


def resource(name: str) -> Path:
    """The folder `name` (migrations or static) of this marketplace."""
    # setup.cfg marks a checkout (an editable install runs from one); site-packages never has it.
    if (CHECKOUT / "setup.cfg").is_file():
        return CHECKOUT / name
    return INSTALLED / name
