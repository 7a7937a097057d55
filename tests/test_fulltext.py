"""`fetch --full-text`: each entry's linked page, served on 127.0.0.1, fetched once, politely;
the teaser stays when the page cannot be had."""

from datetime import timedelta
from pathlib import Path

import pytest

from fetch_server import DAY_ONE, Server, guard_network, item_text, page, rss
from newsdigest.cli import run
from newsdigest.feed_archive import MAX_PAGE_ATTEMPTS, PendingPage
from newsdigest.fetch import USER_AGENT, Fetcher, FetchSettings, fetch_feeds
from newsdigest.fulltext import in_turns
from newsdigest.ingest import ingest

FAST = FetchSettings(timeout=5, retries=0, delay=0.0)


@pytest.fixture(autouse=True)
def outside(monkeypatch):
    attempts = guard_network(monkeypatch)
    yield attempts
    assert attempts == []


@pytest.fixture
def server():
    s = Server()
    for n in range(1, 40):
        s.serve(f"/story/{n}", page(n), Content_Type="text/html; charset=utf-8", ETag=f'"p{n}"')
    yield s
    s.close()


def day(n: int):
    return lambda: DAY_ONE + timedelta(days=n - 1, hours=2)


def fetch_day(server, folder: Path, n: int, numbers, settings=FAST, **feed):
    server.serve("/feed.xml", rss(server.base, numbers, **feed))
    return fetch_feeds([f"{server.base}/feed.xml"], folder, settings, full_text=True, now=day(n))


def texts(folder: Path) -> dict[int, str]:
    return {int(a.title.split(":")[0][5:]): a.text for a in ingest([folder]).articles}


def page_requests(server) -> list[str]:
    return [p for p in server.paths() if p.startswith("/story/")]


def test_full_text_is_used_when_fetched(server, tmp_path):
    clock = [0.0]
    waits = []

    def sleep(seconds):
        waits.append(round(seconds, 3))
        clock[0] += seconds

    fetcher = Fetcher(
        FetchSettings(timeout=5, retries=0, delay=1.5), sleep=sleep, clock=lambda: clock[0]
    )
    server.serve("/feed.xml", rss(server.base, range(1, 4)))
    result = fetch_feeds(
        [f"{server.base}/feed.xml"], tmp_path, fetcher=fetcher, full_text=True, now=day(1)
    )
    assert str(result.pages) == "full text: 3 fetched, 0 failed"
    assert waits == [1.5] * 4  # robots.txt, the feed, then each page: the per-host delay
    got = texts(tmp_path)
    for n in (1, 2, 3):
        assert got[n].startswith(item_text(n))  # the teaser is the article's first paragraph
        assert item_text(n * 100 + 5, 4) in got[n]  # ... and the rest of it is there
        assert "Home" not in got[n] and "Copyright" not in got[n]  # not the page's furniture
    assert all(h["User-Agent"] == USER_AGENT for p, h in server.requests)
    assert page_requests(server) == ["/story/1", "/story/2", "/story/3"]


def test_a_page_that_fails_keeps_its_teaser_and_is_counted(server, tmp_path):
    server.routes["/story/2"] = lambda h: server.send(h, 404)
    server.serve("/story/3", b"%PDF-1.4 ...", Content_Type="application/pdf")
    server.serve("/story/4", b"<html><body><nav>Home</nav></body></html>", Content_Type="text/html")
    server.serve("/story/5", page(5) * 40, Content_Type="text/html")  # over the size cap
    feed = rss(server.base, range(1, 8))
    feed = feed.replace(f"{server.base}/story/6".encode(), b"http://intranet.test/story/6")
    feed = feed.replace(f"{server.base}/story/7".encode(), f"{server.base}/private/7".encode())
    server.serve("/feed.xml", feed)
    small_pages = FetchSettings(timeout=5, retries=0, delay=0, max_page_bytes=100_000)
    result = fetch_feeds(
        [f"{server.base}/feed.xml"], tmp_path, small_pages, full_text=True, now=day(1)
    )
    assert str(result.pages) == "full text: 1 fetched, 6 failed"
    got = texts(tmp_path)
    assert item_text(105, 4) in got[1]
    for n in range(2, 8):
        assert got[n] == item_text(n), n  # the teaser, as the feed gave it
    import sqlite3

    errors = dict(
        sqlite3.connect(tmp_path / "archive.sqlite").execute(
            "SELECT link, page_error FROM entries WHERE page_status = 'failed'"
        )
    )
    assert errors[f"{server.base}/story/2"] == "HTTP 404 Not Found"
    assert errors[f"{server.base}/story/3"] == "not a web page (application/pdf)"
    assert errors[f"{server.base}/story/4"] == "no article text found on the page"
    assert errors[f"{server.base}/story/5"] == "larger than the 100,000-byte limit"
    assert errors["http://intranet.test/story/6"].startswith(
        "refused: intranet.test:80 is a private address (10.1.2.3)"
    )
    assert errors[f"{server.base}/private/7"] == "robots.txt does not allow fetching it"
    assert "/private/7" not in server.paths()


def test_a_page_is_fetched_once_unless_its_entry_changes(server, tmp_path):
    fetch_day(server, tmp_path, 1, range(1, 4))
    second = fetch_day(server, tmp_path, 2, range(1, 4))
    assert str(second.pages) == "full text: 0 fetched, 0 failed"
    assert page_requests(server) == ["/story/1", "/story/2", "/story/3"]
    # Day 3: entry 2 changed upstream; its page is asked again, conditionally: a 304.
    third = fetch_day(server, tmp_path, 3, range(1, 4), edits={2: item_text(2) + " Updated."})
    assert str(third.pages) == "full text: 0 fetched, 1 unchanged, 0 failed"
    assert page_requests(server)[3:] == ["/story/2"]
    assert server.headers_for("/story/2")[1]["If-None-Match"] == '"p2"'
    assert item_text(205, 4) in texts(tmp_path)[2]  # the page's text kept


def test_a_passing_failure_is_tried_again_on_a_few_later_runs(server, tmp_path):
    server.routes["/story/1"] = lambda h: server.send(h, 503, b"busy")
    for n in range(1, MAX_PAGE_ATTEMPTS + 3):
        result = fetch_day(server, tmp_path, n, [1])
        assert result.pages.failed == (1 if n <= MAX_PAGE_ATTEMPTS else 0)
    assert page_requests(server) == ["/story/1"] * MAX_PAGE_ATTEMPTS
    assert texts(tmp_path)[1] == item_text(1)


def test_pages_are_asked_in_turns_across_hosts_and_wait_when_time_runs_out(server, tmp_path):
    pages = [
        PendingPage("f", str(n), f"http://{host}/{n}", None, None, 0)
        for n, host in enumerate("aaab")
    ]
    assert [p.link for p in in_turns(pages)] == [
        "http://a/0",
        "http://b/3",
        "http://a/1",
        "http://a/2",
    ]
    clock = [0.0]

    def wall_clock():  # every write to the archive (the feed, then each page) takes 40 s
        clock[0] += 40
        return day(1)()

    server.serve("/feed.xml", rss(server.base, range(1, 6)))
    fetcher = Fetcher(
        FetchSettings(timeout=100, run_timeout=100, retries=0, delay=0), clock=lambda: clock[0]
    )
    result = fetch_feeds(
        [f"{server.base}/feed.xml"], tmp_path, fetcher=fetcher, full_text=True, now=wall_clock
    )
    assert str(result.pages) == (
        "full text: 2 fetched, 0 failed, 3 left for the next run (time limit)"
    )
    later = fetch_day(server, tmp_path, 2, range(1, 6))
    assert str(later.pages) == "full text: 3 fetched, 0 failed"


def test_fetch_command_with_full_text(server, tmp_path, capsys):
    server.routes["/story/2"] = lambda h: server.send(h, 404)
    server.serve("/feed.xml", rss(server.base, range(1, 3)))
    subs = tmp_path / "feeds.yml"
    subs.write_text(f"- {server.base}/feed.xml\n", encoding="utf-8")
    args = ["fetch", str(subs), "--out", str(tmp_path / "in"), "--delay", "0", "--full-text"]
    assert run([*args, "-v"]) == 0
    lines = capsys.readouterr().err.splitlines()
    assert lines[-1] == "full text: 1 fetched, 1 failed"
    assert (
        f"{server.base}/story/2: page failed: HTTP 404 Not Found; the feed's text is kept" in lines
    )
    assert len(lines) == len(set(lines))


def test_pages_out_of_reach_are_not_counted_as_tried(server, tmp_path):
    feed = rss(server.base, range(1, 4)).replace(
        f"{server.base}/story/".encode(), b"http://offline.invalid/story/"
    )
    server.serve("/feed.xml", feed)
    import sqlite3

    for n in range(1, MAX_PAGE_ATTEMPTS + 3):  # more offline runs than attempts allowed
        result = fetch_feeds(
            [f"{server.base}/feed.xml"], tmp_path, FAST, full_text=True, now=day(n)
        )
        assert str(result.pages) == (
            "full text: 0 fetched, 0 failed, 3 not reached (the network; tried next run)"
        )
    rows = sqlite3.connect(tmp_path / "archive.sqlite").execute(
        "SELECT page_status, page_attempts FROM entries"
    )
    assert set(rows) == {(None, 0)}  # still waiting for the network, not given up
