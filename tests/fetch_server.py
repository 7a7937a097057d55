"""Feeds and pages served on 127.0.0.1 for the fetch tests, and a guard that fails a test
whose code tries to reach any other address (checked before the connection is made).

No test resolves a real name: ``getaddrinfo`` answers from FAKE_DNS (addresses never
connected to: the guard refuses them) and says "Name or service not known" for the rest.
"""

import ipaddress
import random
import socket
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCAL = "127.0.0.1"
FAKE_DNS = {
    "intranet.test": "10.1.2.3",
    "metadata.test": "169.254.169.254",
    "public.test": "93.184.215.14",
    "loopback.test": "127.0.0.1",
}


class OutsideTraffic(AssertionError):
    pass


def guard_network(monkeypatch):
    """Only connections to 127.0.0.1, and no DNS: yields the list of refused attempts."""
    attempts: list = []
    real_connect = socket.socket.connect
    real_getaddrinfo = socket.getaddrinfo

    def connect(sock, address):
        if address[0] != LOCAL:
            attempts.append(address)
            raise OutsideTraffic(f"a test tried to connect to {address}")
        return real_connect(sock, address)

    def connect_ex(sock, address):
        attempts.append(address)
        raise OutsideTraffic(f"connect_ex to {address}")

    def getaddrinfo(host, port, family=0, kind=0, proto=0, flags=0):
        try:
            ipaddress.ip_address(host)
        except ValueError:
            pass
        else:  # an address: no lookup, never a DNS query
            return real_getaddrinfo(host, port, family, kind, proto, flags | socket.AI_NUMERICHOST)
        if host in FAKE_DNS:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (FAKE_DNS[host], port))]
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return attempts


Route = Callable[[BaseHTTPRequestHandler], None]


class Server:
    """An HTTP server on 127.0.0.1 that records every request; ``routes`` (path -> a
    function of the handler) decide the answers, ``robots`` is robots.txt."""

    def __init__(self):
        self.requests: list[tuple[str, dict]] = []
        self.routes: dict[str, Route] = {}
        self.robots = b"User-agent: *\nDisallow: /private/\n"
        self.release = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def do_GET(self):
                server.requests.append((self.path, dict(self.headers.items())))
                if self.path == "/robots.txt" and "/robots.txt" not in server.routes:
                    server.send(self, 200, server.robots, Content_Type="text/plain")
                    return
                route = server.routes.get(self.path)
                if route is None:
                    self.send_error(404)
                else:
                    route(self)

        self.httpd = ThreadingHTTPServer((LOCAL, 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base = f"http://{LOCAL}:{self.port}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def paths(self) -> list[str]:
        return [p for p, _ in self.requests]

    def headers_for(self, path: str) -> list[dict]:
        return [h for p, h in self.requests if p == path]

    @staticmethod
    def send(handler, status, body=b"", length=None, **headers):
        handler.send_response(status)
        for key, value in headers.items():
            handler.send_header(key.replace("_", "-"), value)
        handler.send_header("Content-Length", str(len(body) if length is None else length))
        try:
            handler.end_headers()
            handler.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up: expected
            pass

    def serve(self, path: str, body: bytes, status: int = 200, **headers) -> None:
        """A fixed answer; with ETag, a matching If-None-Match gets a 304."""

        def route(h):
            etag = headers.get("ETag")
            if etag and h.headers.get("If-None-Match") == etag:
                self.send(h, 304)
            else:
                self.send(h, status, body, **headers)

        self.routes[path] = route

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        self.routes[path] = lambda h: self.send(h, status, Location=location)

    def close(self):
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


WORDS = [
    "harbour",
    "council",
    "tram",
    "bridge",
    "museum",
    "library",
    "school",
    "river",
    "market",
    "station",
    "budget",
    "garden",
    "festival",
    "hospital",
    "stadium",
    "airport",
    "factory",
    "orchestra",
    "theatre",
    "election",
    "parliament",
    "court",
    "minister",
    "mayor",
    "union",
    "farmers",
    "teachers",
    "nurses",
    "drivers",
    "students",
    "police",
    "firefighters",
    "engineers",
    "archive",
    "gallery",
    "ferry",
    "tunnel",
    "railway",
    "cathedral",
    "castle",
    "forest",
    "valley",
    "coast",
    "island",
    "mountain",
    "lake",
    "harvest",
    "vineyard",
    "bakery",
    "brewery",
    "shipyard",
    "observatory",
    "laboratory",
]
VERBS = [
    "approved",
    "opened",
    "closed",
    "delayed",
    "rebuilt",
    "announced",
    "restored",
    "funded",
    "expanded",
    "inspected",
]


def item_text(n: int, sentences: int = 3) -> str:
    """Sentences for item n, unlike any other item's (so no two items are one story)."""
    rng = random.Random(n)
    out = []
    for _ in range(sentences):
        a, b, c, d = rng.sample(WORDS, 4)
        out.append(
            f"The {a} {rng.choice(VERBS)} a plan for the {b} after {rng.randint(2, 98)} "
            f"{c} objected to the {d} on day {n}."
        )
    return " ".join(out)


DAY_ONE = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def rss(
    base: str,
    numbers,
    *,
    title: str = "Local Gazette",
    dated: bool = True,
    edits: dict | None = None,
    guid: bool = True,
) -> bytes:
    """An RSS 2.0 feed of items ``numbers`` (item n links to ``base/story/n``)."""
    edits = edits or {}
    items = []
    for n in numbers:
        date = format_datetime(DAY_ONE + timedelta(hours=n)) if dated else None
        description = edits.get(n, item_text(n))
        items.append(
            f"<item><title>Item {n}: the {WORDS[n % len(WORDS)]} story</title>"
            f"<link>{base}/story/{n}</link>"
            + (f"<guid isPermaLink='false'>item-{n}</guid>" if guid else "")
            + (f"<pubDate>{date}</pubDate>" if date else "")
            + f"<description>{description}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>{title}</title><link>{base}/</link>" + "".join(items) + "</channel></rss>\n"
    ).encode("utf-8")


def page(n: int, paragraphs: int = 6) -> bytes:
    """The web page of item n: navigation, the article (its teaser and much more), a footer."""
    body = "".join(f"<p>{item_text(n * 100 + i, 4)}</p>" for i in range(paragraphs))
    return (
        f"<!DOCTYPE html><html><head><title>Item {n}</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<article><h1>Item {n}</h1><p>{item_text(n)}</p>{body}</article>"
        "<footer>Copyright Local Gazette</footer></body></html>"
    ).encode()
