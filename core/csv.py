"""CSV helpers shared by the admin's "Export selected as CSV" and the API's CSV exports."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

# A cell a spreadsheet could read as a formula gets a leading apostrophe (OWASP CSV injection).
CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    """One cell's text; text that starts like a formula is prefixed with an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, (bool, int, float, Decimal)):
        return str(value)  # a number is never read as a formula, and -3 stays a number
    text = value.isoformat() if isinstance(value, (datetime, date)) else str(value)
    return f"'{text}" if text.startswith(CSV_FORMULA_STARTS) else text


class EchoBuffer:
    """A file-like object whose write() hands the line back, for streaming csv.writer rows."""

    def write(self, value: str) -> str:
        return value
