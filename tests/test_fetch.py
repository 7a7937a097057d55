"""`newsdigest fetch` over HTTP: politeness, deadlines, redirects, addresses and messages.

Every server is on 127.0.0.1 and started here; the guard (fetch_server.guard_network)
fails a test whose code tries to connect anywhere else or to resolve a real name.
"""

import socket
import ssl
import time
from pathlib import Path

import pytest

from fetch_server import DAY_ONE, Server, guard_network, rss
from newsdigest.cli import run
from newsdigest.fetch import (
    USER_AGENT,
    Fetcher,
    FetchSettings,
    SubscriptionError,
    feed_filename,
    fetch_feeds,
    load_subscriptions,
)
from newsdigest.fetch_http import FetchFailure
from newsdigest.ingest import ingest

ROOT = Path(__file__).resolve().parent.parent
FAST = FetchSettings(timeout=2, retries=2, backoff=0.01, delay=0.0)
ONCE = FetchSettings(timeout=2, retries=0, delay=0.0)
ETAG = '"v1"'


@pytest.fixture(autouse=True)
def outside(monkeypatch):
    attempts = guard_network(monkeypatch)
    yield attempts
    assert attempts == [], f"traffic to other addresses was attempted: {attempts}"


@pytest.fixture
def server():
    s = Server()
    s.feed = rss(s.base, range(1, 4))
    s.serve(
        "/feed.xml",
        s.feed,
        Content_Type="application/rss+xml",
        ETag=ETAG,
        Last_Modified="Tue, 01 Dec 2026 07:00:00 GMT",
    )
    yield s
    s.close()


@pytest.fixture
def other_port():
    s = Server()
    s.serve("/feed.xml", rss(s.base, [9]))
    yield s
    s.close()


def statuses(run_):
    return [(r.url.rsplit("/", 1)[1], r.status) for r in run_.feeds]


def drip(body: bytes, every: float, server: Server, headers_too: bool = False):
    """A route that sends ``body`` a byte at a time (the headers too, if asked)."""

    def route(h):
        head = (
            f"HTTP/1.0 200 OK\r\nContent-Type: application/rss+xml\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        data = head + body if headers_too else body
        try:
            if not headers_too:
                h.wfile.write(head)
                h.wfile.flush()
            for byte in data:
                if server.release.wait(every):
                    return
                h.wfile.write(bytes([byte]))
                h.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass

    return route


def test_fetch_keeps_the_feed_then_asks_conditionally_and_the_build_reads_it(server, tmp_path):
    url = f"{server.base}/feed.xml"
    first = fetch_feeds([url], tmp_path, FAST)
    assert statuses(first) == [("feed.xml", "new")]
    assert first.feeds[0].message == "3 new entries, 0 updated, 3 in the archive"
    second = fetch_feeds([url], tmp_path, FAST)
    assert statuses(second) == [("feed.xml", "unchanged")]
    assert second.feeds[0].message == "not modified (304)"
    feed_requests = server.headers_for("/feed.xml")
    assert "If-None-Match" not in feed_requests[0] and feed_requests[1]["If-None-Match"] == ETAG
    assert feed_requests[1]["If-Modified-Since"] == "Tue, 01 Dec 2026 07:00:00 GMT"
    assert all(h["User-Agent"] == USER_AGENT for _, h in server.requests)
    assert server.paths().count("/robots.txt") == 2  # once per run, not once per feed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["archive.sqlite"]
    articles = ingest([tmp_path]).articles
    first_article = articles[0]
    assert (first_article.title, first_article.source, first_article.url) == (
        "Item 1: the council story",
        "Local Gazette",
        f"{server.base}/story/1",
    )
    assert articles[0].date.isoformat() == "2026-12-01T09:00:00+00:00"


def test_404_500_slow_and_non_feed_fail_without_stopping_the_others(server, tmp_path):
    server.routes["/broken.xml"] = lambda h: server.send(h, 500, b"always down")
    server.routes["/slow.xml"] = lambda h: server.release.wait(10)
    server.serve("/page.xml", b"<html><body>Not a feed</body></html>", Content_Type="text/html")
    names = ["missing.xml", "broken.xml", "slow.xml", "page.xml", "feed.xml"]
    quick = FetchSettings(timeout=0.2, retries=2, backoff=0.01, delay=0.0)
    result = fetch_feeds([f"{server.base}/{n}" for n in names], tmp_path, quick)
    assert statuses(result) == [
        ("missing.xml", "failed"),
        ("broken.xml", "failed"),
        ("slow.xml", "failed"),
        ("page.xml", "failed"),
        ("feed.xml", "new"),
    ]
    messages = [r.message for r in result.feeds]
    assert messages[0].startswith("HTTP 404") and messages[1].startswith("HTTP 500")
    assert messages[2] == "timed out after 0.2 s without a complete response (3 attempts)"
    assert "not an RSS or Atom feed" in messages[3]
    assert server.paths().count("/missing.xml") == 1  # a 404 is not retried
    assert server.paths().count("/broken.xml") == 3  # first try + 2 retries
    assert result.entries == 3


def test_retries_recover_from_a_passing_500_with_growing_back_off(server, tmp_path):
    failures = [2]

    def flaky(h):
        if failures[0]:
            failures[0] -= 1
            server.send(h, 500, b"oops")
        else:
            server.send(h, 200, server.feed)

    server.routes["/flaky.xml"] = flaky
    waits = []
    fetcher = Fetcher(FetchSettings(timeout=1, retries=3, backoff=0.5, delay=0), sleep=waits.append)
    result = fetch_feeds([f"{server.base}/flaky.xml"], tmp_path, fetcher=fetcher)
    assert statuses(result) == [("flaky.xml", "new")]
    assert waits == [0.5, 1.0]


def test_redirects_are_followed_and_loops_end(server, tmp_path):
    server.redirect("/moved.xml", f"{server.base}/feed.xml", 301)
    server.redirect("/loop.xml", f"{server.base}/loop.xml")
    server.redirect("/ftp.xml", "ftp://127.0.0.1/feed.xml")
    for n in range(7):
        server.redirect(f"/chain{n}.xml", f"/chain{n + 1}.xml")
    names = ["moved.xml", "loop.xml", "ftp.xml", "chain0.xml"]
    result = fetch_feeds([f"{server.base}/{n}" for n in names], tmp_path, FAST)
    assert statuses(result) == [
        ("moved.xml", "new"),
        ("loop.xml", "failed"),
        ("ftp.xml", "failed"),
        ("chain0.xml", "failed"),
    ]
    messages = [r.message for r in result.feeds]
    assert messages[0].endswith(f"; redirected to {server.base}/feed.xml")
    assert messages[1] == f"redirect loop: {server.base}/loop.xml leads back to itself"
    assert messages[2] == "redirect to a non-HTTP URL refused: ftp://127.0.0.1/feed.xml"
    assert messages[3] == "more than 5 redirects"
    assert server.paths().count("/loop.xml") == 1  # not retried: it cannot change by waiting
    assert [p for p in server.paths() if p.startswith("/chain")] == [
        f"/chain{n}.xml" for n in range(6)
    ]


def test_robots_txt_is_respected(server, tmp_path):
    server.serve("/private/feed.xml", server.feed)
    server.redirect("/sneaky.xml", f"{server.base}/private/feed.xml")
    result = fetch_feeds(
        [f"{server.base}/private/feed.xml", f"{server.base}/sneaky.xml"], tmp_path, FAST
    )
    assert statuses(result) == [("feed.xml", "disallowed"), ("sneaky.xml", "failed")]
    assert result.feeds[0].message == "robots.txt does not allow fetching it"
    assert "which robots.txt disallows" in result.feeds[1].message
    assert "/private/feed.xml" not in server.paths()  # not even through a redirect
    server.robots = b"User-agent: newsdigest\nDisallow: /\n"
    assert statuses(fetch_feeds([f"{server.base}/feed.xml"], tmp_path, FAST)) == [
        ("feed.xml", "disallowed")
    ]


def test_a_robots_txt_that_redirects_within_its_site_is_followed_five_times(server, tmp_path):
    url = f"{server.base}/feed.xml"
    # Once: followed, and the robots.txt it leads to applies.
    server.redirect("/robots.txt", "/robots-real.txt", 301)
    server.serve("/robots-real.txt", b"User-agent: *\nDisallow: /feed.xml\n")
    assert statuses(fetch_feeds([url], tmp_path, FAST)) == [("feed.xml", "disallowed")]
    # To itself: a loop, unreachable, so nothing is fetched (and no RecursionError).
    server.redirect("/robots.txt", "/robots.txt")
    result = fetch_feeds([url], tmp_path, FAST)
    assert statuses(result) == [("feed.xml", "failed")]
    assert result.feeds[0].message.startswith("robots.txt unreachable (redirect loop")
    # Further and further: five redirects followed, then unreachable.
    server.requests.clear()
    server.redirect("/robots.txt", "/r/0")
    for n in range(10):
        server.redirect(f"/r/{n}", f"/r/{n + 1}")
    result = fetch_feeds([url], tmp_path, FAST)
    assert result.feeds[0].message == (
        "robots.txt unreachable (more than 5 redirects), so the feed was not fetched (RFC 9309)"
    )
    assert server.paths() == ["/robots.txt", "/r/0", "/r/1", "/r/2", "/r/3", "/r/4"]


def test_a_server_dripping_bytes_is_cut_off_at_the_deadline(server, tmp_path):
    # Headers a byte every 50 ms: each read is quick, the request is not.
    server.routes["/drip-head.xml"] = drip(server.feed, 0.05, server, headers_too=True)
    started = time.monotonic()
    result = fetch_feeds(
        [f"{server.base}/drip-head.xml"], tmp_path, FetchSettings(timeout=0.5, retries=0, delay=0)
    )
    assert time.monotonic() - started < 3
    assert result.feeds[0].message == "timed out after 0.5 s without a complete response"
    # The body a byte at a time, on an injected clock that moves a second per read: no waiting.
    server.routes["/drip-body.xml"] = drip(server.feed, 0.001, server)
    clock = [0.0]

    def tick():
        clock[0] += 1.0
        return clock[0]

    fetcher = Fetcher(FetchSettings(timeout=30, retries=0, delay=0, run_timeout=0), clock=tick)
    started = time.monotonic()
    result = fetch_feeds([f"{server.base}/drip-body.xml"], tmp_path, fetcher=fetcher)
    assert result.feeds[0].message == "timed out after 30 s without a complete response"
    assert time.monotonic() - started < 3 and clock[0] < 200


def test_the_run_has_a_deadline_too(server, tmp_path):
    clock = [0.0]

    def wall_clock():  # storing the first feed takes a minute (on the test's clock)
        clock[0] += 60
        return DAY_ONE

    server.serve("/first.xml", server.feed)
    fetcher = Fetcher(
        FetchSettings(timeout=120, run_timeout=50, retries=2, delay=0), clock=lambda: clock[0]
    )
    urls = [f"{server.base}/first.xml", f"{server.base}/feed.xml"]
    result = fetch_feeds(urls, tmp_path, fetcher=fetcher, now=wall_clock)
    assert statuses(result) == [("first.xml", "new"), ("feed.xml", "failed")]
    assert result.feeds[1].message == "not fetched: the run's time limit (50 s) was reached"
    assert "/feed.xml" not in server.paths()
    # A request the run's end cuts off says so (not "timed out after 120 s").
    server.routes["/drip.xml"] = drip(server.feed, 0.001, server)
    ticks = [0.0]

    def tick():
        ticks[0] += 1.0
        return ticks[0]

    fetcher = Fetcher(FetchSettings(timeout=120, run_timeout=20, retries=0, delay=0), clock=tick)
    result = fetch_feeds([f"{server.base}/drip.xml"], tmp_path, fetcher=fetcher)
    assert result.feeds[0].message == "not finished: the run's time limit (20 s) was reached"


def test_a_response_cut_short_fails_and_keeps_what_the_archive_had(server, tmp_path):
    url = f"{server.base}/day.xml"
    server.serve("/day.xml", server.feed)
    assert statuses(fetch_feeds([url], tmp_path, ONCE)) == [("day.xml", "new")]
    # Day two: a longer feed, but the connection closes a third of the way in.
    longer = rss(server.base, range(1, 30), edits={1: "An edited teaser for item one."})
    server.routes["/day.xml"] = lambda h: server.send(
        h, 200, longer[: len(longer) // 3], length=len(longer)
    )
    result = fetch_feeds([url], tmp_path, ONCE)
    assert statuses(result) == [("day.xml", "failed")]
    assert result.feeds[0].message.startswith(
        f"response cut short ({len(longer) // 3:,} of {len(longer):,} bytes"
    )

    # ... and without a Content-Length, a feed that stops before its closing tag.
    def close_delimited(h):
        h.send_response(200)
        h.end_headers()
        h.wfile.write(longer[: len(longer) // 2])

    server.routes["/day.xml"] = close_delimited
    result = fetch_feeds([url], tmp_path, ONCE)
    assert result.feeds[0].message == (
        "the feed ends before its closing tag (cut short?); the archive keeps what it had"
    )
    articles = ingest([tmp_path]).articles
    assert len(articles) == 3 and "edited" not in articles[0].text


def test_redirects_to_private_addresses_are_refused_before_connecting(
    server, other_port, tmp_path, outside
):
    targets = {
        "port.xml": f"{other_port.base}/feed.xml",  # loopback, another port
        "name.xml": f"http://loopback.test:{server.port}/feed.xml",  # another name for it
        "ten.xml": "http://10.1.2.3/feed.xml",
        "intranet.xml": "http://intranet.test/feed.xml",  # a name for a private address
        "metadata.xml": "http://169.254.169.254/latest/meta-data/",
        "six.xml": f"http://[::1]:{server.port}/feed.xml",
        "mapped.xml": f"http://[::ffff:127.0.0.1]:{server.port}/feed.xml",
    }
    for name, target in targets.items():
        server.redirect(f"/{name}", target)
    result = fetch_feeds([f"{server.base}/{n}" for n in targets], tmp_path, FAST)
    assert {r.status for r in result.feeds} == {"failed"}
    messages = [r.message for r in result.feeds]
    assert messages[0] == (
        f"refused: 127.0.0.1:{other_port.port} is a loopback address (127.0.0.1) and the "
        "feeds file does not name that host and port"
    )
    assert messages[1].startswith(f"refused: loopback.test:{server.port} is a loopback address")
    assert messages[2].startswith("refused: 10.1.2.3:80 is a private address")
    assert messages[3].startswith("refused: intranet.test:80 is a private address (10.1.2.3)")
    assert messages[4].startswith("refused: 169.254.169.254:80 is a link-local address")
    assert messages[5].startswith(f"refused: [::1]:{server.port} is a loopback address")
    assert messages[6].startswith(f"refused: [::ffff:127.0.0.1]:{server.port} is a loopback")
    assert other_port.requests == [] and outside == []
    assert server.paths().count("/feed.xml") == 0  # not through another name either


def test_a_private_host_the_feeds_file_names_may_be_redirected_to(server, other_port, tmp_path):
    server.redirect("/port.xml", f"{other_port.base}/feed.xml")
    listed = [f"{server.base}/port.xml", f"{other_port.base}/feed.xml"]
    result = fetch_feeds(listed, tmp_path, FAST)
    assert statuses(result) == [("port.xml", "new"), ("feed.xml", "new")]
    assert other_port.paths().count("/feed.xml") == 2


def test_polite_delay_between_requests_to_one_host(server, tmp_path):
    server.redirect("/moved.xml", f"{server.base}/feed.xml", 301)
    clock = [0.0]
    waits = []

    def sleep(seconds):
        waits.append(round(seconds, 3))
        clock[0] += seconds

    fetcher = Fetcher(
        FetchSettings(timeout=1, retries=0, delay=2.0), sleep=sleep, clock=lambda: clock[0]
    )
    fetch_feeds([f"{server.base}/feed.xml", f"{server.base}/moved.xml"], tmp_path, fetcher=fetcher)
    assert waits == [2.0, 2.0, 2.0]  # robots.txt -> feed -> second feed -> its redirect


def test_messages_say_what_happened(server, tmp_path):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there: the connection is refused
    server.routes["/robots.txt"] = lambda h: server.send(h, 503, b"down")
    urls = [
        "http://nowhere.invalid/feed.xml",
        f"http://127.0.0.1:{port}/feed.xml",
        f"https://127.0.0.1:{server.port}/feed.xml",  # TLS to a plain HTTP server
        f"{server.base}/feed.xml",  # robots.txt answers 503
    ]
    result = fetch_feeds(urls, tmp_path, ONCE)
    assert [r.status for r in result.feeds] == ["failed"] * 4
    messages = [r.message for r in result.feeds]
    assert messages[0] == (
        "robots.txt unreachable (cannot resolve host 'nowhere.invalid' (Name or service not "
        "known)), so the feed was not fetched (RFC 9309)"
    )
    assert messages[1] == (
        f"robots.txt unreachable (connection refused by 127.0.0.1:{port}), so the feed was not "
        "fetched (RFC 9309)"
    )
    assert messages[2].startswith("robots.txt unreachable (TLS error: ")
    assert messages[3] == (
        "robots.txt unreachable (HTTP 503 Service Unavailable), so the feed was not fetched "
        "(RFC 9309)"
    )
    assert [r.network for r in result.feeds] == [True, True, False, False]


def test_tls_certificate_errors_are_named(monkeypatch):
    error = ssl.SSLCertVerificationError(1, "certificate verify failed")
    error.verify_message = "self-signed certificate"
    from newsdigest.fetch_http import describe

    failure = describe(error, "https://feeds.example/rss", 15)
    assert str(failure) == "TLS error: self-signed certificate (feeds.example)"
    assert isinstance(failure, FetchFailure) and not failure.transient


def test_subscriptions_file_forms_and_errors(tmp_path):
    good = tmp_path / "feeds.yml"
    good.write_text(
        "feeds:\n  - https://a.example/rss\n  - url: https://b.example/atom\n"
        "  - https://a.example/rss\n",
        encoding="utf-8",
    )
    assert load_subscriptions(good) == ["https://a.example/rss", "https://b.example/atom"]
    bad = tmp_path / "bad.yml"
    bad.write_text("- https://a.example/rss\n- file:///etc/passwd\n", encoding="utf-8")
    with pytest.raises(
        SubscriptionError, match=r"bad.yml: feed 2: 'file:///etc/passwd' is not an http\(s\) URL"
    ):
        load_subscriptions(bad)


def test_the_sample_feeds_file_loads_and_names_public_feeds():
    urls = load_subscriptions(ROOT / "feeds.yml")
    assert len(urls) >= 3 and all(u.startswith("https://") for u in urls)
    assert "FEEDS  ?= feeds.yml" in (ROOT / "Makefile").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "url",
    [
        "http://x.example/../../etc/passwd",
        "http://x.example/" + "a" * 500,
        "http://x.example/CON",
        "https://x.example/feed?x=/../y",
    ],
)
def test_feed_file_names_cannot_escape_the_folder(url):
    name = feed_filename(url)
    assert "/" not in name and "\\" not in name and not name.startswith(".") and len(name) < 90
    assert name.endswith(".xml")


def fetch_cli(subs, out, *extra):
    return run(["fetch", str(subs), "--out", str(out), "--retries", "0", "--delay", "0", *extra])


def test_fetch_command_prints_each_line_once(server, tmp_path, capsys):
    subs = tmp_path / "feeds.yml"
    subs.write_text(f"- {server.base}/feed.xml\n- {server.base}/missing.xml\n", encoding="utf-8")
    out = tmp_path / "in"
    assert fetch_cli(subs, out, "--timeout", "2", "-v") == 0
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert (
        lines.count(
            f"{server.base}/missing.xml: failed: HTTP 404 (Not Found); expected 200; the archive keeps what it had"
        )
        == 1
    )
    assert (
        lines.count(f"{server.base}/feed.xml: new: 3 new entries, 0 updated, 3 in the archive") == 1
    )
    assert lines[-1] == (
        f"fetched 2 feeds into {out / 'archive.sqlite'}: 1 new, 0 updated, 0 unchanged, "
        "1 failed, 0 disallowed; 3 new entries, 0 updated, 3 in the archive"
    )
    assert len(lines) == len(set(lines)) == 3
    subs.write_text(f"- {server.base}/missing.xml\n", encoding="utf-8")
    assert fetch_cli(subs, out) == 1


def test_fetch_command_says_when_no_host_can_be_reached(tmp_path, capsys):
    subs = tmp_path / "feeds.yml"
    subs.write_text("- https://feeds.example.invalid/rss\n- https://news.invalid/atom\n")
    assert fetch_cli(subs, tmp_path / "in") == 1
    err = capsys.readouterr().err
    assert (
        "https://news.invalid/atom: failed: robots.txt unreachable (cannot resolve host 'news.invalid'"
        in err
    )
    assert err.rstrip().endswith(
        "no feed could be fetched: no host could be reached (is this machine offline?); the "
        "archive is as it was"
    )
    assert "disallowed: robots" not in err


def test_oversized_feed_is_refused_and_bad_subscriptions_exit_3(server, tmp_path, capsys):
    small = FetchSettings(timeout=1, retries=0, delay=0, max_bytes=100)
    result = fetch_feeds([f"{server.base}/feed.xml"], tmp_path, small)
    assert (
        result.feeds[0].status == "failed"
        and "larger than the 100-byte limit" in result.feeds[0].message
    )
    assert result.entries == 0
    subs = tmp_path / "feeds.yml"
    subs.write_text("feeds: [not a url]\n", encoding="utf-8")
    assert run(["fetch", str(subs), "--out", str(tmp_path / "in")]) == 3
    assert "feed 1: 'not a url' is not an http(s) URL" in capsys.readouterr().err


def test_a_feed_the_parser_chokes_on_fails_alone(server, tmp_path):
    head = f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>{server.base}/</link>'
    server.serve(
        "/choke.xml",
        (head + "<item><description>&#xD800;</description></item></channel></rss>").encode(),
    )
    server.serve(
        "/link.xml",
        (
            head
            + "<item><link>http://[bad</link><description>A tram line opened on Tuesday in the city.</description></item></channel></rss>"
        ).encode(),
    )
    urls = [f"{server.base}/choke.xml", f"{server.base}/link.xml", f"{server.base}/feed.xml"]
    result = fetch_feeds(urls, tmp_path, FAST)
    assert statuses(result) == [("choke.xml", "failed"), ("link.xml", "new"), ("feed.xml", "new")]
    assert result.feeds[0].message.startswith("could not be read (UnicodeEncodeError: ")
    [odd] = [a for a in ingest([tmp_path]).articles if a.source == "T"]
    assert odd.url is None  # the link that is not a URL is dropped, the entry kept
