"""Dates as the site shows them: the digest's own date ("today"), days in the site's
time zone, and which stories fall within the last N days.

"Today" is never the wall clock of the machine that builds the site: it is
``SOURCE_DATE_EPOCH`` when set, else the newest article's date, so the same input
gives byte-identical pages.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .model import Article


def digest_date(articles: Iterable[Article]) -> datetime | None:
    """The date the digest stands for: SOURCE_DATE_EPOCH if set, else the newest article's date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    return max((a.date for a in articles if a.date), default=None)


def localise(article: Article, zone: ZoneInfo) -> Article:
    """An article dated by a calendar day alone (2025-10-14) stands for that day in the
    site's time zone: it is dated at the start of that day there (00:00 in ``zone``), so
    that pages, archives, feeds and the grouper's 7-day window all see the day the input
    gave, in every time zone (read as 00:00 UTC, it was the day before in New York)."""
    if not article.date_only or article.date is None:
        return article
    return replace(article, date=datetime.combine(article.date.date(), time(0), tzinfo=zone))


def local_day(moment: datetime, zone: ZoneInfo) -> date:
    """The calendar day of ``moment`` in the site's time zone."""
    return moment.astimezone(zone).date()


def newest(articles: Sequence[Article]) -> datetime | None:
    return max((a.date for a in articles if a.date), default=None)


def days_of(articles: Sequence[Article], zone: ZoneInfo) -> list[date]:
    """The days the articles were published on, oldest first."""
    return sorted({local_day(a.date, zone) for a in articles if a.date})


def within(articles: Sequence[Article], today: date | None, days: int, zone: ZoneInfo) -> bool:
    """Coverage on one of the ``days`` days up to ``today`` (0 days: no limit; undated: always)."""
    latest = newest(articles)
    if not days or latest is None or today is None:
        return True
    return local_day(latest, zone) > today - timedelta(days=days)
