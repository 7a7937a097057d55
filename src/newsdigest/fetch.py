"""Fetch: download subscribed RSS/Atom feeds into an input folder, politely.

``newsdigest fetch feeds.yml --out fetched/`` saves each feed as a file that the
feed reader reads, so the site can be built later from the last fetch without the
network. Politeness and safety are ``fetch_http.py``'s: a User-Agent naming the
program, robots.txt (RFC 9309), conditional requests (ETag / Last-Modified kept in a
hidden state file: an unchanged feed costs a 304), a delay between two requests to one
host, one deadline per request and one per run, retries with back-off, no redirect to
a private address the feeds file does not name.

Each feed gets one result line saying what happened: ``new``, ``updated`` or
``unchanged``; ``failed`` with the cause (a host that does not resolve, a refused
connection, a time-out, a TLS error, an HTTP status, a body cut short or not a feed;
also robots.txt unreachable, as then nothing may be fetched); or ``disallowed`` when a
robots.txt says so. A failed feed keeps its previous file.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from slugify import slugify

from .errors import ConfigurationError
from .fetch_http import (
    ACCEPT_FEED,
    USER_AGENT,
    Fetcher,
    FetchFailure,
    FetchSettings,
    Response,
    Want,
)

__all__ = [
    "USER_AGENT",
    "FeedResult",
    "FetchSettings",
    "Fetcher",
    "SubscriptionError",
    "feed_filename",
    "fetch_feeds",
    "load_subscriptions",
]

STATE_FILE = ".newsdigest-fetch.json"  # hidden: ingest skips dot files
DEFAULT_SETTINGS = FetchSettings()
STATUSES = ("new", "updated", "unchanged", "failed", "disallowed")
# A feed's last closing tag; a malformed body without one was cut short on the way.
_CLOSING_TAG = re.compile(rb"</(?:[\w.-]+:)?(?:rss|feed|RDF)\s*>\s*$")


@dataclass(frozen=True)
class FeedResult:
    url: str
    status: str  # one of STATUSES
    file: str | None = None  # the saved file's name in the output folder
    message: str = ""
    network: bool = False  # failed before any server answered (DNS, connection)

    def __str__(self) -> str:
        return (
            f"{self.url}: {self.status}"
            + (f" ({self.file})" if self.file else "")
            + (f": {self.message}" if self.message else "")
        )


class SubscriptionError(ConfigurationError):
    """The subscriptions file is wrong; the message names the file and entry."""


def load_subscriptions(path: Path) -> list[str]:
    """Feed URLs from a YAML file: a list, or ``feeds:`` holding a list, of URLs or ``{url:
    ...}``."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
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


def feed_filename(url: str) -> str:
    """A safe, stable file name for a feed URL: [a-z0-9-] plus a hash, never a path."""
    parts = urlsplit(url)
    readable = (
        slugify(
            f"{parts.hostname or ''} {parts.path} {parts.query}", max_length=60, word_boundary=True
        )
        or "feed"
    )
    return f"{readable}-{hashlib.sha256(url.encode('utf-8')).hexdigest()[:10]}.xml"


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.part")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def fetch_feeds(
    urls: list[str],
    out_dir: Path,
    settings: FetchSettings = DEFAULT_SETTINGS,
    fetcher: Fetcher | None = None,
    log: Callable[[FeedResult], None] = lambda result: None,
) -> list[FeedResult]:
    """Download each feed into ``out_dir``; return one result per URL, in order."""
    if fetcher is None:
        fetcher = Fetcher(settings, listed=urls)
    else:
        fetcher.listen_to(urls)
    out_dir.mkdir(parents=True, exist_ok=True)
    state_path = out_dir / STATE_FILE
    try:
        state = json.loads(state_path.read_text(encoding="utf-8"))
        if not isinstance(state, dict):
            state = {}
    except (OSError, ValueError):
        state = {}
    results = []
    for url in urls:
        result = _fetch_one(url, out_dir, state, fetcher)
        log(result)
        results.append(result)
        _write_atomically(
            state_path, (json.dumps(state, indent=2, sort_keys=True) + "\n").encode("utf-8")
        )
    return results


def _fetch_one(url: str, out_dir: Path, state: dict, fetcher: Fetcher) -> FeedResult:
    name = feed_filename(url)
    path = out_dir / name
    verdict = fetcher.robots(url)
    if verdict.unreachable:
        return FeedResult(
            url,
            "failed",
            message=f"robots.txt unreachable ({verdict.unreachable}), so the feed was not "
            "fetched (RFC 9309)",
            network=verdict.network,
        )
    if not verdict.allowed:
        return FeedResult(url, "disallowed", message="robots.txt does not allow fetching it")
    known = state.get(url, {}) if isinstance(state.get(url), dict) else {}
    headers = {}
    if path.exists():  # a validator without the file it validates is useless
        if known.get("etag"):
            headers["If-None-Match"] = known["etag"]
        if known.get("last_modified"):
            headers["If-Modified-Since"] = known["last_modified"]
    try:
        response = fetcher.get(url, headers, Want(ACCEPT_FEED, fetcher.settings.max_bytes))
    except FetchFailure as failure:
        tries = f" ({failure.attempts} attempts)" if failure.attempts > 1 else ""
        return FeedResult(url, "failed", message=f"{failure}{tries}", network=failure.network)
    problem = _unusable(response, fetcher.settings.max_bytes)
    if problem:
        return FeedResult(url, "failed", message=f"{problem}; previous copy kept")
    if response.status == 304:
        return FeedResult(url, "unchanged", name)
    existed = path.exists()
    if existed and path.read_bytes() == response.body:
        status = "unchanged"
    else:
        _write_atomically(path, response.body)
        status = "updated" if existed else "new"
    state[url] = {
        "file": name,
        "etag": response.header("ETag") or None,
        "last_modified": response.header("Last-Modified") or None,
    }
    moved = f"redirected to {response.url}" if response.url != url else ""
    return FeedResult(url, status, name, moved)


def _unusable(response: Response, max_bytes: int) -> str | None:
    """Why a response gives no feed, or None (a 304, or a 200 with a whole feed)."""
    if response.status == 304:
        return None
    if response.status != 200:
        detail = f" ({response.reason})" if response.reason else ""
        return f"HTTP {response.status}{detail}; expected 200"
    if response.truncated:
        return f"larger than the {max_bytes:,}-byte limit"
    import feedparser

    parsed = feedparser.parse(response.body)
    if not (parsed.get("version") or parsed.entries):
        return "the response is not an RSS or Atom feed"
    if parsed.get("bozo") and not _CLOSING_TAG.search(response.body[-300:]):
        return "the feed ends before its closing tag (cut short?)"
    return None


def summary(results: list[FeedResult], out: Path) -> str:
    """The run's summary line, for people."""
    counts = ", ".join(f"{sum(r.status == s for r in results)} {s}" for s in STATUSES)
    return f"fetched {len(results)} feeds into {out}/: {counts}"
