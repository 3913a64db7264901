"""Normalise the date spellings found in news corpora to ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.

Examples
--------
>>> parse_date("13.06.2023"), parse_date("2023-06-13T10:00:00Z"), parse_date("2023-06")
('2023-06-13', '2023-06-13', '2023-06')
>>> parse_date("  ") is None
True
"""

from __future__ import annotations

import datetime as dt
import re

_YEAR = re.compile(r"\d{4}")
_YEAR_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_GERMAN = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ](.+))?")


def parse_date(value: str) -> str | None:
    """Normalise a date string; an empty value is ``None`` (never a made-up date).

    Accepted: ``2023``, ``2023-06``, ``2023-06-13``, ISO timestamps (``2023-06-13T10:00:00Z``,
    ``2023-06-13 10:00``, with offsets or fractions of seconds) and German ``13.06.2023``.
    A timestamp keeps the calendar day as written (no time-zone conversion), so an article is
    dated the way its source dated it.

    Parameters
    ----------
    value : str
        The date as read; surrounding whitespace is ignored.

    Returns
    -------
    str or None
        ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; ``None`` for an empty value.

    Raises
    ------
    ValueError
        For anything else, including impossible dates such as ``2023-02-30``; the caller adds
        the file and line to the message.

    Examples
    --------
    >>> parse_date("2023")
    '2023'
    """
    text = value.strip()
    if not text:
        return None
    if _YEAR.fullmatch(text):
        return text
    match = _YEAR_MONTH.fullmatch(text)
    if match:
        year, month = int(match[1]), int(match[2])
        if not 1 <= month <= 12:
            raise ValueError(f"invalid date {value!r}: month {month} is not in 1..12")
        return f"{year:04d}-{month:02d}"
    match = _GERMAN.fullmatch(text)
    if match:
        return _day(value, int(match[3]), int(match[2]), int(match[1]))
    match = _ISO_DAY.fullmatch(text)
    if match:
        if match[4] is not None:
            try:
                dt.datetime.fromisoformat(text)
            except ValueError:
                raise ValueError(f"invalid date {value!r}: not an ISO 8601 timestamp") from None
        return _day(value, int(match[1]), int(match[2]), int(match[3]))
    raise ValueError(
        f"invalid date {value!r}: "
        "expected YYYY, YYYY-MM, YYYY-MM-DD, an ISO timestamp or DD.MM.YYYY"
    )


def _day(value: str, year: int, month: int, day: int) -> str:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError as exc:
        raise ValueError(f"invalid date {value!r}: {exc}") from None
