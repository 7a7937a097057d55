"""Fetch: download subscribed RSS/Atom feeds into an archive that keeps every entry.

``newsdigest fetch feeds.yml --out fetched`` adds each feed's entries to
``fetched/archive.sqlite`` (``feed_archive.py``): an entry that rolls off its feed stays,
one that changes upstream is updated in place, so a digest built on a schedule shows
everything its feeds ever carried (``retention_days`` limits what is published, never
what is kept). ``--full-text`` also fetches each entry's linked page and keeps the
article found on it (``fulltext.py``). ``newsdigest build --input fetched`` reads the
archive without the network (``readers/archive.py``).

Politeness and safety are ``fetch_http.py``'s: a User-Agent naming the program,
robots.txt (RFC 9309), conditional requests (an unchanged feed costs a 304), a delay
between two requests to one host, one deadline per request and one per run, retries
with back-off, no redirect to a private address the feeds file does not name.

Each feed gets one result line saying what happened: ``new``, ``updated`` or
``unchanged`` with its entries counted; ``failed`` with the cause (a host that does not
resolve, a refused connection, a time-out, a TLS error, an HTTP status, a body cut short
or not a feed; also robots.txt unreachable, as then nothing may be fetched); or
``disallowed`` when a robots.txt says so. A failed feed leaves the archive as it was.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from . import safe_yaml
from .errors import ConfigurationError
from .feed_archive import (
    ARCHIVE_NAME,
    ArchiveError,
    FeedArchive,
    Imported,
    entries_of,
    feed_filename,
    is_feed,
    parse_feed,
)
from .fetch_http import (
    ACCEPT_FEED,
    USER_AGENT,
    Fetcher,
    FetchFailure,
    FetchSettings,
    Response,
    Want,
)
from .fulltext import PageCounts, fetch_pages

__all__ = [
    "ARCHIVE_NAME",
    "USER_AGENT",
    "FeedResult",
    "FetchRun",
    "FetchSettings",
    "Fetcher",
    "SubscriptionError",
    "feed_filename",
    "fetch_feeds",
    "load_subscriptions",
]

DEFAULT_SETTINGS = FetchSettings()
STATUSES = ("new", "updated", "unchanged", "failed", "disallowed")
# A feed's last closing tag; a malformed body without one was cut short on the way.
_CLOSING_TAG = re.compile(rb"</(?:[\w.-]+:)?(?:rss|feed|RDF)\s*>\s*$")


@dataclass(frozen=True)
class FeedResult:
    url: str
    status: str  # one of STATUSES
    message: str = ""
    new_entries: int = 0
    updated_entries: int = 0
    network: bool = False  # failed before any server answered (DNS, connection)

    def __str__(self) -> str:
        return f"{self.url}: {self.status}" + (f": {self.message}" if self.message else "")


@dataclass(frozen=True)
class FetchRun:
    archive: Path
    feeds: list[FeedResult]
    imported: Imported
    entries: int  # in the archive, after the run
    pages: PageCounts | None = None  # with --full-text

    def count(self, status: str) -> int:
        return sum(result.status == status for result in self.feeds)


class SubscriptionError(ConfigurationError):
    """The subscriptions file is wrong; the message names the file and entry."""


def load_subscriptions(path: Path) -> list[str]:
    """Feed URLs from a YAML file: a list, or ``feeds:`` holding a list, of URLs or ``{url:
    ...}``."""
    try:
        data = safe_yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise SubscriptionError(f"{path}: cannot be read: {error.strerror}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        mark = getattr(error, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise SubscriptionError(
            f"{path}{where}: not valid YAML: {getattr(error, 'problem', None) or error}"
        ) from None
    if isinstance(data, dict) and "feeds" in data:
        data = data["feeds"]
    if not isinstance(data, list):
        raise SubscriptionError(
            f"{path}: expected a list of feed URLs (or 'feeds:' with a list), "
            f"got {type(data).__name__}"
        )
    urls: list[str] = []
    for number, entry in enumerate(data, start=1):
        url = entry.get("url") if isinstance(entry, dict) else entry
        if (
            not isinstance(url, str)
            or urlsplit(url.strip()).scheme not in ("http", "https")
            or not urlsplit(url.strip()).hostname
        ):
            raise SubscriptionError(
                f"{path}: feed {number}: {url!r} is not an http(s) URL "
                "(expected e.g. https://example.org/feed.xml)"
            )
        if url.strip() not in urls:
            urls.append(url.strip())
    return urls


def _utc_now() -> datetime:
    return datetime.now(UTC)


def fetch_feeds(
    urls: list[str],
    out_dir: Path,
    settings: FetchSettings = DEFAULT_SETTINGS,
    fetcher: Fetcher | None = None,
    log: Callable[[FeedResult], None] = lambda result: None,
    *,
    full_text: bool = False,
    page_log: Callable[[str], None] = lambda message: None,
    now: Callable[[], datetime] = _utc_now,
) -> FetchRun:
    """Fetch each feed into the archive in ``out_dir`` (one transaction per feed), then,
    with ``full_text``, the pages still to be had. Raises ArchiveError when the archive
    cannot be used (it is left as it is)."""
    if fetcher is None:
        fetcher = Fetcher(settings, listed=urls)
    else:
        fetcher.listen_to(urls)
    archive = FeedArchive.open(out_dir)
    try:
        imported = archive.import_feed_files(out_dir, urls)
        results = []
        for url in urls:
            result = _fetch_one(url, archive, fetcher, now)
            log(result)
            results.append(result)
        pages = fetch_pages(archive, fetcher, urls, now, page_log) if full_text else None
        return FetchRun(archive.path, results, imported, archive.count(), pages)
    finally:
        archive.close()


def _fetch_one(
    url: str, archive: FeedArchive, fetcher: Fetcher, now: Callable[[], datetime]
) -> FeedResult:
    verdict = fetcher.robots(url)
    if verdict.unreachable:
        return FeedResult(
            url,
            "failed",
            f"robots.txt unreachable ({verdict.unreachable}), so the feed was not fetched "
            "(RFC 9309)",
            network=verdict.network,
        )
    if not verdict.allowed:
        return FeedResult(url, "disallowed", "robots.txt does not allow fetching it")
    try:
        response = fetcher.get(
            url, archive.validators(url), Want(ACCEPT_FEED, fetcher.settings.max_bytes)
        )
    except FetchFailure as failure:
        tries = f" ({failure.attempts} attempts)" if failure.attempts > 1 else ""
        return FeedResult(url, "failed", f"{failure}{tries}", network=failure.network)
    problem = _unusable(response, fetcher.settings.max_bytes)
    if problem:
        return FeedResult(url, "failed", f"{problem}; the archive keeps what it had")
    if response.status == 304:
        archive.touch_feed(url, now())
        return FeedResult(url, "unchanged", "not modified (304)")
    try:
        return _store(url, response, archive, now)
    except ArchiveError:
        raise
    except Exception as error:  # a feed no parser foresaw: it alone fails
        reason = " ".join(str(error).split())[:200]
        return FeedResult(
            url,
            "failed",
            f"could not be read ({type(error).__name__}: {reason}; a bug in newsdigest or a "
            "parser it uses, please report it); the archive keeps what it had",
        )


def _store(
    url: str, response: Response, archive: FeedArchive, now: Callable[[], datetime]
) -> FeedResult:
    """A 200's feed into the archive, in one transaction."""
    parsed = parse_feed(response.body)
    if not is_feed(parsed):
        return FeedResult(
            url, "failed", "the response is not an RSS or Atom feed; the archive keeps what it had"
        )
    if parsed.get("bozo") and not _CLOSING_TAG.search(response.body[-300:]):
        return FeedResult(
            url,
            "failed",
            "the feed ends before its closing tag (cut short?); the archive keeps what it had",
        )
    first = not archive.has_feed(url)
    info, entries = entries_of(parsed)
    validators = (response.header("ETag") or None, response.header("Last-Modified") or None)
    stored = archive.store(url, info, entries, validators, now())
    status = "new" if first else "updated" if stored.new or stored.updated else "unchanged"
    message = f"{stored.new} new entries, {stored.updated} updated, {stored.total} in the archive"
    if response.url != url:
        message += f"; redirected to {response.url}"
    return FeedResult(url, status, message, stored.new, stored.updated)


def _unusable(response: Response, max_bytes: int) -> str | None:
    """Why a response gives no feed, or None (a 200 with a body, or a 304)."""
    if response.status == 304:
        return None
    if response.status != 200:
        detail = f" ({response.reason})" if response.reason else ""
        return f"HTTP {response.status}{detail}; expected 200"
    if response.truncated:
        return f"larger than the {max_bytes:,}-byte limit"
    return None


def summary(run: FetchRun) -> Iterable[str]:
    """The run's summary lines, for people."""
    feeds = ", ".join(f"{run.count(status)} {status}" for status in STATUSES)
    new = sum(r.new_entries for r in run.feeds)
    updated = sum(r.updated_entries for r in run.feeds)
    yield (
        f"fetched {len(run.feeds)} feeds into {run.archive}: {feeds}; "
        f"{new} new entries, {updated} updated, {run.entries} in the archive"
    )
    if run.pages is not None:
        yield str(run.pages)
