"""Shared metadata handling for readers: field names, dates, URLs."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from email.utils import parsedate_to_datetime

from . import ReaderError

MIN_YEAR, MAX_YEAR = 1800, 2200

# Accepted spellings in manifests, front matter and JSON Lines, mapped to Article fields.
FIELD_ALIASES = {
    "title": "title",
    "headline": "title",
    "source": "source",
    "outlet": "source",
    "publisher": "source",
    "date": "date",
    "published": "date",
    "url": "url",
    "link": "url",
    "author": "author",
    "language": "language",
    "lang": "language",
}


def parse_date(value: object) -> datetime | None:
    """A timezone-aware datetime from ISO 8601, RFC 2822 or a YAML date; UTC if none given.

    Raises ReaderError for a value that is present but not a date.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime.combine(value, time(0, 0))
    elif isinstance(value, str):
        text = value.strip()
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            try:
                parsed = parsedate_to_datetime(text)
            except (TypeError, ValueError, IndexError, OverflowError):
                raise ReaderError(
                    f"date {value!r} is not a date (expected ISO 8601 such as 2025-10-15 "
                    "or 2025-10-15T09:30:00+02:00)"
                ) from None
    else:
        raise ReaderError(f"date {value!r} is a {_kind(value)}, expected a date string")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    # A news date outside these years is a typo or a placeholder (0001-01-01), and at
    # the ends of datetime's range a time-zone conversion would overflow.
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        raise ReaderError(
            f"date {value!r} is out of range (expected a year from {MIN_YEAR} to {MAX_YEAR})"
        )
    return parsed


_DAY = re.compile(r"\s*\d{4}-\d{2}-\d{2}\s*")


def is_day_only(value: object) -> bool:
    """Whether a date gives a calendar day and no time (2025-10-14, a YAML date)."""
    if isinstance(value, datetime):
        return False
    return isinstance(value, date) or (isinstance(value, str) and bool(_DAY.fullmatch(value)))


def _kind(value: object) -> str:
    """A value's YAML/JSON kind in words a person uses."""
    if isinstance(value, bool):
        return "true/false value"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, dict):
        return "mapping"
    return "list" if isinstance(value, list) else type(value).__name__


def parse_url(value: object) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not value.strip().startswith(("http://", "https://")):
        raise ReaderError(f"url {value!r} is not an http(s) URL")
    return value.strip()


def article_fields(raw: dict, where: str, repairs: list[str] | None = None) -> tuple[dict, dict]:
    """Split a metadata mapping into Article keyword arguments and extras.

    A wrong type or a bad date or URL raises ReaderError naming the key; with a
    ``repairs`` list, the bad value is dropped instead (the article is still worth
    publishing without it) and a message saying so is appended.
    """
    if repairs is None:
        return _article_fields(raw, where)
    good: dict = {}
    for key, value in raw.items():
        try:
            _article_fields({key: value}, where)
        except ReaderError as error:
            repairs.append(f"{error}; ignored")
        else:
            good[key] = value
    return _article_fields(good, where)


def _article_fields(raw: dict, where: str) -> tuple[dict, dict]:
    fields: dict = {}
    extras: dict = {}
    for key, value in raw.items():
        name = FIELD_ALIASES.get(str(key).lower())
        if name is None:
            if value is not None and not isinstance(value, (dict, list)):
                extras[str(key)] = str(value)
            continue
        if name == "date":
            try:
                fields["date"] = parse_date(value)
            except ReaderError as error:
                raise ReaderError(f"{where}: {error}") from None
            if fields["date"] is not None and is_day_only(value):
                fields["date_only"] = True
        elif name == "url":
            try:
                fields["url"] = parse_url(value)
            except ReaderError as error:
                raise ReaderError(f"{where}: {error}") from None
        elif value is None:
            continue
        elif not isinstance(value, (str, int, float)):
            raise ReaderError(f"{where}: '{key}' is a {_kind(value)}, expected text")
        else:
            fields[name] = str(value).strip() or None
    return fields, extras
