"""Full text: ``fetch --full-text`` downloads each archived entry's linked page and keeps
the article trafilatura finds on it beside the feed's teaser.

The same politeness as for feeds (``fetch_http``): robots.txt, the per-host delay, the
User-Agent, a deadline per request, a size cap (``max_page_bytes``) and the address
policy (a link to a private address is refused unless the feeds file names its host).
Pages are asked in turns across hosts, so the per-host delay rarely has to be waited
out, and only while the run has time left; what is left waits for the next run.

A page is fetched once. It is asked again only when its entry changes upstream (then
conditionally, with the page's ETag / Last-Modified: a 304 keeps the text), or after a
failure that may pass (a time-out, a 5xx), on at most ``MAX_PAGE_ATTEMPTS`` runs. A
page that cannot be had leaves the teaser in place and is counted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from .feed_archive import FeedArchive, PageOutcome, PendingPage
from .fetch_http import ACCEPT_PAGE, Fetcher, FetchFailure, Response, Want


@dataclass
class PageCounts:
    fetched: int = 0  # pages whose article is now in the archive
    unchanged: int = 0  # asked again and answered 304: the text kept
    failed: int = 0  # the teaser stays (some are tried again on a later run)
    unreached: int = 0  # no server answered (the network): tried again, not counted as tried
    left: int = 0  # not asked: the run's time ran out

    def __str__(self) -> str:
        parts = [f"{self.fetched} fetched", f"{self.failed} failed"]
        if self.unchanged:
            parts.insert(1, f"{self.unchanged} unchanged")
        if self.unreached:
            parts.append(f"{self.unreached} not reached (the network; tried next run)")
        if self.left:
            parts.append(f"{self.left} left for the next run (time limit)")
        return "full text: " + ", ".join(parts)

    def add(self, outcome: PageOutcome) -> None:
        if outcome.status == "ok":
            self.fetched += 1
        elif outcome.status == "unchanged":
            self.unchanged += 1
        elif outcome.status == "unreached":
            self.unreached += 1
        elif outcome.status == "left":
            self.left += 1
        else:
            self.failed += 1


def in_turns(pages: Iterable[PendingPage]) -> Iterator[PendingPage]:
    """One page of each host in turn, each host's pages in their order."""
    queues: dict[str, list[PendingPage]] = defaultdict(list)
    for page in pages:
        queues[urlsplit(page.link).netloc].append(page)
    lists = list(queues.values())
    for position in range(max((len(q) for q in lists), default=0)):
        for queue in lists:
            if position < len(queue):
                yield queue[position]


def fetch_pages(
    archive: FeedArchive,
    fetcher: Fetcher,
    feeds: Iterable[str],
    now: Callable[[], datetime],
    log: Callable[[str], None] = lambda message: None,
) -> PageCounts:
    """Fetch the pending pages of these feeds' entries, each stored as it comes."""
    counts = PageCounts()
    pending = list(in_turns(archive.pending_pages(feeds)))
    unreachable: dict[str, str] = {}  # host -> why: its other pages wait for the next run
    for done, page in enumerate(pending):
        if fetcher.out_of_time():
            counts.left += len(pending) - done
            break
        host = urlsplit(page.link).netloc
        if host in unreachable:
            outcome = PageOutcome("unreached", error=unreachable[host])
        else:
            outcome = fetch_page(fetcher, page)
        counts.add(outcome)
        if outcome.status == "unreached":
            unreachable.setdefault(host, outcome.error)
        if outcome.status in ("unreached", "left"):
            continue  # not a try: the page stays as it was, for the next run
        archive.record_page(page, outcome, now())
        if outcome.status in ("retry", "failed"):
            log(f"{page.link}: page failed: {outcome.error}; the feed's text is kept")
    return counts


def _not_had(failure: FetchFailure) -> PageOutcome:
    """A failed request's outcome: tried again later when it may pass; not counted as a try
    when the network or the run's time, not the page, was the reason."""
    if failure.run_over:
        return PageOutcome("left", error=str(failure))
    if failure.network:
        return PageOutcome("unreached", error=str(failure))
    return PageOutcome("retry" if failure.transient else "failed", error=str(failure))


def fetch_page(fetcher: Fetcher, page: PendingPage) -> PageOutcome:
    refusal = _refusal(fetcher, page.link)
    if refusal is not None:
        return refusal
    headers = {}
    if page.etag:
        headers["If-None-Match"] = page.etag
    if page.last_modified:
        headers["If-Modified-Since"] = page.last_modified
    want = Want(ACCEPT_PAGE, fetcher.settings.max_page_bytes)
    try:
        response = fetcher.get(page.link, headers, want)
    except FetchFailure as failure:
        return _not_had(failure)
    return _outcome(response, want)


def _refusal(fetcher: Fetcher, link: str) -> PageOutcome | None:
    """Why the page may not be asked for, or None: its address, then its robots.txt."""
    try:  # a link to a private address: refused before robots.txt is asked there
        fetcher.policy.addresses(link, fetcher.settings.timeout)
    except FetchFailure as failure:
        return _not_had(failure)
    verdict = fetcher.robots(link)
    if verdict.unreachable:
        why = f"robots.txt unreachable ({verdict.unreachable})"
        if verdict.network or fetcher.out_of_time():
            return PageOutcome("unreached" if verdict.network else "left", error=why)
        return PageOutcome("retry", error=why)
    if not verdict.allowed:
        return PageOutcome("failed", error="robots.txt does not allow fetching it")
    return None


def _outcome(response: Response, want: Want) -> PageOutcome:
    if response.status == 304:
        return PageOutcome("unchanged")
    if response.status != 200:
        detail = f" {response.reason}" if response.reason else ""
        passing = response.status >= 500 or response.status == 429
        return PageOutcome(
            "retry" if passing else "failed", error=f"HTTP {response.status}{detail}"
        )
    if response.truncated:
        return PageOutcome("failed", error=f"larger than the {want.max_bytes:,}-byte limit")
    kind = response.header("Content-Type").split(";")[0].strip().lower()
    if kind and kind not in ("text/html", "application/xhtml+xml"):
        return PageOutcome("failed", error=f"not a web page ({kind})")
    text = article_text(response.body)
    if text is None:
        return PageOutcome("failed", error="no article text found on the page")
    return PageOutcome(
        "ok",
        text=text,
        etag=response.header("ETag") or None,
        last_modified=response.header("Last-Modified") or None,
    )


def article_text(body: bytes) -> str | None:
    """The article trafilatura finds in a page (as the HTML reader reads a saved page)."""
    from .ingest import DecodeError, decode
    from .readers.html import MIN_WORDS, extract_page

    try:
        html, _ = decode(body)
    except DecodeError:
        return None
    page = extract_page(html) if "<" in html else None
    if page is None or len((page.text or "").split()) < MIN_WORDS:
        return None
    text = page.text.strip()
    first, _, rest = text.partition("\n")
    if page.title and first.strip() == page.title.strip() and rest.strip():
        text = rest.strip()
    return text
