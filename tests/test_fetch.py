"""`newsdigest fetch` against a local HTTP server on 127.0.0.1 started here: never the internet."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

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
from newsdigest.ingest import ingest

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Local Gazette</title><link>http://127.0.0.1/</link>
<item><title>Tram line opens</title><link>http://127.0.0.1/tram</link><guid>tram-1</guid>
<pubDate>Tue, 14 Oct 2025 09:00:00 +0200</pubDate>
<description>The new tram line opened on Tuesday. Riders queued from dawn.</description></item>
</channel></rss>
"""
ETAG = '"v1"'


class Server:
    """Records every request; routes decide the answer."""

    def __init__(self):
        self.requests: list[tuple[str, dict]] = []
        self.failures_left = 0
        self.release = threading.Event()
        self.robots = b"User-agent: *\nDisallow: /private/\n"
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def do_GET(self):
                server.requests.append((self.path, dict(self.headers.items())))
                route = getattr(
                    server,
                    "route_" + self.path.strip("/").replace("/", "_").replace(".", "_"),
                    None,
                )
                if route is None:
                    self.send_error(404)
                else:
                    route(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def paths(self):
        return [p for p, _ in self.requests]

    @staticmethod
    def send(handler, status, body=b"", **headers):
        handler.send_response(status)
        for key, value in headers.items():
            handler.send_header(key.replace("_", "-"), value)
        handler.send_header("Content-Length", str(len(body)))
        try:
            handler.end_headers()
            handler.wfile.write(body)
        except (
            BrokenPipeError,
            ConnectionResetError,
        ):  # the client gave up (the slow feed): expected
            pass

    def route_robots_txt(self, h):
        self.send(h, 200, self.robots, Content_Type="text/plain")

    def route_feed_xml(self, h):
        if h.headers.get("If-None-Match") == ETAG:
            self.send(h, 304)
        else:
            self.send(
                h,
                200,
                RSS,
                Content_Type="application/rss+xml",
                ETag=ETAG,
                Last_Modified="Tue, 14 Oct 2025 07:00:00 GMT",
            )

    def route_flaky_xml(self, h):
        if self.failures_left > 0:
            self.failures_left -= 1
            self.send(h, 500, b"oops")
        else:
            self.send(h, 200, RSS)

    def route_broken_xml(self, h):
        self.send(h, 500, b"always down")

    def route_slow_xml(self, h):
        self.release.wait(10)  # answers only once the test is over: the client must give up
        self.send(h, 200, RSS)

    def route_moved_xml(self, h):
        self.send(h, 301, Location=f"{self.base}/feed.xml")

    def route_loop_xml(self, h):
        self.send(h, 302, Location=f"{self.base}/loop.xml")

    def route_sneaky_xml(self, h):
        self.send(h, 302, Location=f"{self.base}/private/feed.xml")

    def route_ftp_xml(self, h):
        self.send(h, 302, Location="ftp://127.0.0.1/feed.xml")

    def route_page_xml(self, h):
        self.send(h, 200, b"<html><body>Not a feed</body></html>", Content_Type="text/html")

    def route_private_feed_xml(self, h):
        self.send(h, 200, RSS)

    def close(self):
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    s = Server()
    yield s
    s.close()


FAST = FetchSettings(timeout=0.5, retries=2, backoff=0.01, delay=0.0)


def statuses(results):
    return [(r.url.rsplit("/", 1)[1], r.status) for r in results]


def test_fetch_saves_feed_then_uses_etag_and_the_build_reads_it(server, tmp_path):
    url = f"{server.base}/feed.xml"
    [first] = fetch_feeds([url], tmp_path, FAST)
    assert first.status == "new" and (tmp_path / first.file).read_bytes() == RSS
    [second] = fetch_feeds([url], tmp_path, FAST)
    assert second.status == "unchanged"
    feed_requests = [h for p, h in server.requests if p == "/feed.xml"]
    assert "If-None-Match" not in feed_requests[0] and feed_requests[1]["If-None-Match"] == ETAG
    assert feed_requests[1]["If-Modified-Since"] == "Tue, 14 Oct 2025 07:00:00 GMT"
    assert all(h["User-Agent"] == USER_AGENT for _, h in server.requests)
    assert server.paths().count("/robots.txt") == 2  # once per run, not once per feed
    [article] = ingest([tmp_path]).articles  # the hidden state file is not an input
    assert (article.title, article.source, article.url) == (
        "Tram line opens",
        "Local Gazette",
        "http://127.0.0.1/tram",
    )
    assert (
        article.date.isoformat() == "2025-10-14T09:00:00+02:00"
    )  # the publisher's own offset kept


def test_404_500_slow_and_non_feed_fail_without_stopping_the_others(server, tmp_path):
    names = ["missing.xml", "broken.xml", "slow.xml", "page.xml", "feed.xml"]
    # A short timeout: the slow feed never answers, and the client gives up after 0.2 s a try.
    quick = FetchSettings(timeout=0.2, retries=2, backoff=0.01, delay=0.0)
    results = fetch_feeds([f"{server.base}/{n}" for n in names], tmp_path, quick)
    assert statuses(results) == [
        ("missing.xml", "failed"),
        ("broken.xml", "failed"),
        ("slow.xml", "failed"),
        ("page.xml", "failed"),
        ("feed.xml", "new"),
    ]
    messages = [r.message for r in results]
    assert "HTTP 404" in messages[0] and "HTTP 500" in messages[1]
    assert "timed out" in messages[2] and "not an RSS or Atom feed" in messages[3]
    assert server.paths().count("/missing.xml") == 1  # a 404 is not retried
    assert server.paths().count("/broken.xml") == 3  # first try + 2 retries
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == [
        results[-1].file
    ]


def test_retries_recover_from_a_passing_500_with_growing_back_off(server, tmp_path):
    server.failures_left = 2
    waits = []
    fetcher = Fetcher(FetchSettings(timeout=1, retries=3, backoff=0.5, delay=0), sleep=waits.append)
    [result] = fetch_feeds([f"{server.base}/flaky.xml"], tmp_path, fetcher=fetcher)
    assert result.status == "new"
    assert waits == [0.5, 1.0]


def test_redirects_are_followed_and_loops_end(server, tmp_path):
    results = fetch_feeds(
        [f"{server.base}/moved.xml", f"{server.base}/loop.xml", f"{server.base}/ftp.xml"],
        tmp_path,
        FAST,
    )
    assert statuses(results) == [
        ("moved.xml", "new"),
        ("loop.xml", "failed"),
        ("ftp.xml", "failed"),
    ]
    assert server.paths().count("/loop.xml") == 5  # urllib stops a loop after 4 repeats; no retry
    assert "non-HTTP URL refused" in results[2].message
    assert "redirected to" in results[0].message and results[0].message.endswith("/feed.xml")


def test_robots_txt_is_respected(server, tmp_path):
    results = fetch_feeds(
        [f"{server.base}/private/feed.xml", f"{server.base}/sneaky.xml"], tmp_path, FAST
    )
    assert statuses(results) == [("feed.xml", "disallowed"), ("sneaky.xml", "failed")]
    assert "robots.txt disallows" in results[1].message
    assert "/private/feed.xml" not in server.paths()  # not even through a redirect
    server.robots = b"User-agent: newsdigest\nDisallow: /\n"
    [result] = fetch_feeds([f"{server.base}/feed.xml"], tmp_path, FAST)
    assert result.status == "disallowed"


def test_polite_delay_between_requests_to_one_host(server, tmp_path):
    clock = [0.0]
    waits = []

    def sleep(seconds):
        waits.append(round(seconds, 3))
        clock[0] += seconds

    fetcher = Fetcher(
        FetchSettings(timeout=1, retries=0, delay=2.0), sleep=sleep, clock=lambda: clock[0]
    )
    fetch_feeds([f"{server.base}/feed.xml", f"{server.base}/moved.xml"], tmp_path, fetcher=fetcher)
    assert waits == [2.0, 2.0]  # robots.txt -> feed -> second feed


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


def test_fetch_command(server, tmp_path, capsys):
    subs = tmp_path / "feeds.yml"
    subs.write_text(f"- {server.base}/feed.xml\n- {server.base}/missing.xml\n", encoding="utf-8")
    out = tmp_path / "in"
    assert (
        run(
            [
                "fetch",
                str(subs),
                "--out",
                str(out),
                "--retries",
                "0",
                "--delay",
                "0",
                "--timeout",
                "2",
            ]
        )
        == 0
    )
    err = capsys.readouterr().err
    assert "missing.xml: failed: HTTP 404" in err and "1 new" in err and "1 failed" in err
    subs.write_text(f"- {server.base}/missing.xml\n", encoding="utf-8")
    assert run(["fetch", str(subs), "--out", str(out), "--retries", "0", "--delay", "0"]) == 1


def test_oversized_feed_is_refused_and_bad_subscriptions_exit_3(server, tmp_path, capsys):
    small = FetchSettings(timeout=1, retries=0, delay=0, max_bytes=100)
    [result] = fetch_feeds([f"{server.base}/feed.xml"], tmp_path, small)
    assert result.status == "failed" and "larger than" in result.message
    assert not [p for p in tmp_path.iterdir() if not p.name.startswith(".")]
    subs = tmp_path / "feeds.yml"
    subs.write_text("feeds: [not a url]\n", encoding="utf-8")
    assert run(["fetch", str(subs), "--out", str(tmp_path / "in")]) == 3
    assert "feed 1: 'not a url' is not an http(s) URL" in capsys.readouterr().err
