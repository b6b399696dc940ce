"""Reading the CSV files people download."""

from __future__ import annotations

import codecs
import csv
import io


def csv_rows(response) -> list[list[str]]:
    """The rows of a CSV download, which starts with a UTF-8 byte-order mark so that Excel shows "£" and
    accented names as typed."""
    body = response.get_data()
    assert body.startswith(codecs.BOM_UTF8)
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
