"""CSV files people download and open in a spreadsheet."""

from __future__ import annotations

from flask import Response

# Excel reads a CSV without a byte-order mark in the computer's legacy code page, showing "£" as "Â£"
# and "Zoë" as "ZoÃ«"; with one it reads UTF-8. Other spreadsheets and Python's "utf-8-sig" skip it.
BYTE_ORDER_MARK = "\ufeff"


def csv_download(body: str, filename: str, *, private: bool = False) -> Response:
    """`body` as a CSV attachment named `filename`, in UTF-8 with a byte-order mark. A `private` file
    (people's applications) is never stored by a browser or proxy cache."""
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if private:
        headers["Cache-Control"] = "no-store"
    return Response(BYTE_ORDER_MARK + body, mimetype="text/csv", headers=headers)
