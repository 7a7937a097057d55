"""Fetch: download subscribed RSS/Atom feeds into an input folder, politely.

``newsdigest fetch feeds.yml --out fetched/`` saves each feed as a file that the
feed reader reads, so the site can be built later from the last fetch without the
network. Being a good citizen of other people's servers:

- a clear User-Agent naming the program;
- robots.txt honoured, for redirect targets too (RFC 9309: a 4xx robots.txt allows all, a 5xx or an
  unreachable one disallows all);
- conditional requests (ETag / Last-Modified kept in a hidden state file), so an
  unchanged feed costs a 304 and no body;
- a timeout on every request, retries with exponential back-off on 5xx, 429 and
  network errors (never on other 4xx), ``Retry-After`` honoured up to a cap;
- a delay between two requests to the same host.

A failed feed is reported and its previous file kept; the other feeds still count.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import time
import urllib.error
import urllib.request
import urllib.robotparser
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from slugify import slugify

from . import __version__
from .errors import ConfigurationError

USER_AGENT = f"newsdigest/{__version__} (feed fetcher; +https://pypi.org/project/newsdigest/)"
STATE_FILE = ".newsdigest-fetch.json"  # hidden: ingest skips dot files
MAX_RETRY_AFTER = 60.0


@dataclass(frozen=True)
class FetchSettings:
    timeout: float = 15.0  # seconds per request
    retries: int = 3  # extra attempts after the first, on 5xx, 429 and network errors
    backoff: float = 2.0  # first retry waits this long, then twice as long each time
    delay: float = 1.0  # at least this long between two requests to one host
    max_bytes: int = 20 * 1024 * 1024  # a feed larger than this is refused


@dataclass(frozen=True)
class FeedResult:
    url: str
    status: str  # "new" | "updated" | "unchanged" | "failed" | "disallowed"
    file: str | None = None  # the saved file's name in the output folder
    message: str = ""

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


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects (urllib stops loops and long chains) only to http(s) URLs that
    the target's robots.txt allows: never to ftp:// or file://."""

    def __init__(self, allowed: Callable[[str], bool]):
        super().__init__()
        self.allowed = allowed

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).scheme not in ("http", "https"):
            raise urllib.error.HTTPError(
                newurl, code, f"redirect to a non-HTTP URL refused: {newurl}", headers, fp
            )
        if not self.allowed(newurl):
            raise urllib.error.HTTPError(
                newurl, code, f"redirect to {newurl}, which robots.txt disallows", headers, fp
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class _Response:
    def __init__(
        self, status: int, body: bytes, headers: dict[str, str], url: str, reason: str = ""
    ):
        self.status, self.body, self.headers, self.url, self.reason = (
            status,
            body,
            headers,
            url,
            reason,
        )


class Fetcher:
    """HTTP GETs with timeouts, retries, per-host delays and robots.txt, for one fetch run."""

    def __init__(
        self,
        settings: FetchSettings = FetchSettings(),
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.settings = settings
        self.sleep = sleep
        self.clock = clock
        self._last_request: dict[str, float] = {}
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        self._opener = urllib.request.build_opener(_CheckedRedirects(self.allowed))

    def _wait_for_host(self, url: str) -> None:
        host = urlsplit(url).netloc
        last = self._last_request.get(host)
        if last is not None:
            remaining = self.settings.delay - (self.clock() - last)
            if remaining > 0:
                self.sleep(remaining)
        self._last_request[host] = self.clock()

    def _get_once(self, url: str, headers: dict[str, str]) -> _Response:
        self._wait_for_host(url)
        request = urllib.request.Request(
            url,
            headers={
                "User-Agent": USER_AGENT,
                "Accept": "application/rss+xml, application/atom+xml, "
                "application/xml;q=0.9, */*;q=0.5",
                **headers,
            },
        )
        try:
            with self._opener.open(request, timeout=self.settings.timeout) as response:
                body = response.read(self.settings.max_bytes + 1)
                return _Response(
                    response.status, body, dict(response.headers.items()), response.url
                )
        except urllib.error.HTTPError as error:
            with error:
                reason = " ".join(str(error.reason or "").split()).split(". ")[0]
                return _Response(
                    error.code,
                    b"",
                    dict(error.headers.items()) if error.headers else {},
                    url,
                    reason if 300 <= error.code < 400 else "",
                )
        except http.client.HTTPException as error:  # a broken response, e.g. cut off mid-body
            raise ConnectionError(f"broken HTTP response: {type(error).__name__}") from None

    def get(self, url: str, headers: dict[str, str] | None = None) -> _Response:
        """GET with retries; raises OSError (URLError, timeout) when every attempt failed."""
        attempt = 0
        while True:
            try:
                response = self._get_once(url, headers or {})
                if response.status < 500 and response.status != 429:
                    return response
                failure: Exception | _Response = response
            except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
                failure = error
            if attempt >= self.settings.retries:
                if isinstance(failure, _Response):
                    return failure
                raise failure
            wait = self.settings.backoff * 2**attempt
            if isinstance(failure, _Response):
                retry_after = failure.headers.get("Retry-After", "")
                if retry_after.strip().isdigit():
                    wait = max(wait, min(float(retry_after), MAX_RETRY_AFTER))
            self.sleep(wait)
            attempt += 1

    def allowed(self, url: str) -> bool:
        """Whether robots.txt of the URL's host lets this User-Agent fetch it."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            try:
                response = self.get(f"{origin}/robots.txt")
            except OSError:
                parser = None  # unreachable: disallow all
            else:
                parser = urllib.robotparser.RobotFileParser()
                if response.status >= 500:
                    parser = None
                elif response.status >= 400:
                    parser.parse([])  # no robots.txt: everything allowed
                else:
                    parser.parse(response.body.decode("utf-8", errors="replace").splitlines())
            self._robots[origin] = parser
        parser = self._robots[origin]
        return parser is not None and parser.can_fetch(USER_AGENT, url)


def _looks_like_feed(body: bytes) -> bool:
    import feedparser

    parsed = feedparser.parse(body)
    return bool(parsed.get("version")) or bool(parsed.entries)


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.part")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def fetch_feeds(
    urls: list[str],
    out_dir: Path,
    settings: FetchSettings = FetchSettings(),
    fetcher: Fetcher | None = None,
    log: Callable[[str], None] = lambda message: None,
) -> list[FeedResult]:
    """Download each feed into ``out_dir``; return one result per URL, in order."""
    fetcher = fetcher or Fetcher(settings)
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
        log(str(result))
        results.append(result)
        _write_atomically(
            state_path, (json.dumps(state, indent=2, sort_keys=True) + "\n").encode("utf-8")
        )
    return results


def _fetch_one(url: str, out_dir: Path, state: dict, fetcher: Fetcher) -> FeedResult:
    name = feed_filename(url)
    path = out_dir / name
    if not fetcher.allowed(url):
        return FeedResult(url, "disallowed", message="robots.txt does not allow fetching it")
    known = state.get(url, {}) if isinstance(state.get(url), dict) else {}
    headers = {}
    if path.exists():  # a validator without the file it validates is useless
        if known.get("etag"):
            headers["If-None-Match"] = known["etag"]
        if known.get("last_modified"):
            headers["If-Modified-Since"] = known["last_modified"]
    try:
        response = fetcher.get(url, headers)
    except OSError as error:
        reason = getattr(error, "reason", None) or error
        return FeedResult(
            url,
            "failed",
            message=f"no response after {fetcher.settings.retries + 1} attempts ({reason})",
        )
    if response.status == 304:
        return FeedResult(url, "unchanged", name)
    if response.status != 200:
        detail = f" ({response.reason})" if response.reason else ""
        return FeedResult(url, "failed", message=f"HTTP {response.status}{detail}; expected 200")
    if len(response.body) > fetcher.settings.max_bytes:
        return FeedResult(
            url, "failed", message=f"larger than the {fetcher.settings.max_bytes:,}-byte limit"
        )
    if not _looks_like_feed(response.body):
        return FeedResult(
            url, "failed", message="the response is not an RSS or Atom feed; previous copy kept"
        )
    existed = path.exists()
    if existed and path.read_bytes() == response.body:
        status = "unchanged"
    else:
        _write_atomically(path, response.body)
        status = "updated" if existed else "new"
    lower = {k.lower(): v for k, v in response.headers.items()}
    state[url] = {
        "file": name,
        "etag": lower.get("etag"),
        "last_modified": lower.get("last-modified"),
    }
    moved = f"redirected to {response.url}" if response.url != url else ""
    return FeedResult(url, status, name, moved)
