"""Dates found in a page, written as ISO 8601 for the document's record, with the page's own words kept.

The parsing is htmldate's (the date library trafilatura uses for a page's date, already installed with
it), in its fast mode: its patterns and dateutil, never dateparser's guesses from relative words
("2 hours ago"), which would depend on the clock. A date without a year ("Sunday, August 17") is not
completed from today's date either: it stays as the page wrote it. The same bounds as the ``extract``
stage keep the result the same on any day.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

MIN_DATE = datetime(1995, 1, 1)  # htmldate's own lower bound: no news page is dated before it
MAX_DATE = datetime(2100, 1, 1)  # fixed, not htmldate's default of today (see ExtractSettings.max_date)


@lru_cache(maxsize=4096)
def iso_date(raw: str) -> str | None:
    """``raw`` as an ISO 8601 date when it names one with day, month and year, else None.

    >>> iso_date("Updated Aug 17, 2025, 10:32 AM EDT"), iso_date("Sunday, August 17")
    ('2025-08-17', None)
    """
    from htmldate.extractors import try_date_expr  # imported on first use: most pages have no stamp line

    return try_date_expr(raw, "%Y-%m-%d", False, MIN_DATE, MAX_DATE)


def date_fields(raw: str) -> dict[str, str]:
    """The record's fields for a date found in the text: ``date`` in ISO 8601 where it parses (the
    page's words otherwise) and ``date_raw``, the page's words, always, so the two come from one stamp."""
    return {"date": iso_date(raw) or raw, "date_raw": raw}
