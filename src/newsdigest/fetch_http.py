"""HTTP for ``newsdigest fetch``: one polite client, with a deadline on every request.

Being a good citizen of other people's servers, and safe on one's own network:

- a clear User-Agent naming the program, on every request (robots.txt, feeds, pages);
- robots.txt honoured, for redirect targets too (RFC 9309: a 4xx robots.txt allows all;
  a 5xx, a 429 or an unreachable one disallows all; its own redirects are followed at
  most 5 times, then it counts as unreachable);
- one deadline per request, connect, headers and body together (``timeout``), so a
  server dripping a byte a second cannot hold a run; and one for the whole run
  (``run_timeout``), which also bounds the waits;
- retries with exponential back-off on 5xx, 429 and network errors (never on other 4xx
  or on what cannot change by waiting), ``Retry-After`` honoured up to a cap;
- a delay between two requests to one host;
- a response cut short (fewer bytes than its Content-Length, or a chunked body that
  stops) is a failure, never a body;
- redirects followed at most 5 times, only to http(s), and never to a loopback, private,
  link-local or otherwise non-public address unless the feeds file names that host and
  port itself (an intranet feed still works when listed). The address is checked when
  the name is resolved, before any connection, and the connection goes to the address
  that was checked (no second lookup for a DNS answer to change).

Every failure is a ``FetchFailure`` whose message says what happened (the host that
does not resolve, the connection refused, the time-out, the TLS error), in one line.
"""

from __future__ import annotations

import errno
import http.client
import io
import ipaddress
import socket
import ssl
import threading
import time
import urllib.robotparser
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from . import __version__

USER_AGENT = f"newsdigest/{__version__} (feed fetcher; +https://pypi.org/project/newsdigest/)"
MAX_RETRY_AFTER = 60.0
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309: parse at least the first 500 KiB
ACCEPT_FEED = "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5"
ACCEPT_PAGE = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"

Resolver = Callable[..., list[tuple]]  # socket.getaddrinfo's shape


@dataclass(frozen=True)
class FetchSettings:
    timeout: float = 15.0  # seconds for one request: connect, headers and body together
    run_timeout: float = 1800.0  # seconds for the whole run (0: no limit)
    retries: int = 3  # extra attempts after the first, on 5xx, 429 and network errors
    backoff: float = 2.0  # first retry waits this long, then twice as long each time
    delay: float = 1.0  # at least this long between two requests to one host
    max_bytes: int = 20 * 1024 * 1024  # a feed larger than this is refused
    max_page_bytes: int = 5 * 1024 * 1024  # a linked page larger than this is refused
    max_redirects: int = 5


class FetchFailure(Exception):
    """A request that gave no usable response; ``str()`` says why, in one line.

    ``transient`` failures (time-outs, refused or reset connections, 5xx) may go away
    by waiting and are retried; the others (a host that does not exist, a refused
    address, a TLS certificate error, too many redirects) are not.
    """

    def __init__(
        self, message: str, transient: bool = False, network: bool = False, run_over: bool = False
    ):
        super().__init__(message)
        self.transient = transient
        self.network = network  # no server answered: the host or the network is out of reach
        self.run_over = run_over  # the run's time limit, not the server, ended it
        self.attempts = 1


@dataclass
class Response:
    status: int
    body: bytes
    headers: dict[str, str]  # lower-case names
    url: str  # after redirects
    reason: str = ""
    truncated: bool = False  # the body went past the size limit and was cut there
    redirects: list[str] = field(default_factory=list)

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


@dataclass(frozen=True)
class Want:
    """What a request is for: what it accepts, how much of a body it takes, whether
    robots.txt is asked about its redirects, and whether a body over the limit is cut
    (robots.txt: its first 500 KiB count) rather than refused."""

    accept: str = ACCEPT_FEED
    max_bytes: int = 20 * 1024 * 1024
    check_robots: bool = True
    keep_start: bool = False


ROBOTS = Want("text/plain, */*;q=0.5", ROBOTS_MAX_BYTES, check_robots=False, keep_start=True)


@dataclass(frozen=True)
class RobotsVerdict:
    allowed: bool
    unreachable: str = ""  # why robots.txt could not be had (then nothing is allowed)
    network: bool = False  # ... because no server answered


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"


def host_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return (parts.hostname or "").lower(), parts.port or (443 if parts.scheme == "https" else 80)


def _where(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _address_kind(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """What makes an address off limits for a redirect, or None for a public one."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    for kind in ("unspecified", "loopback", "link-local", "multicast", "private", "reserved"):
        if getattr(ip, "is_" + kind.replace("-", "_")):
            return kind
    return None if ip.is_global else "non-public"


class AddressPolicy:
    """Which addresses a request may connect to: any address of a host and port the feeds
    file names; for every other host, public addresses only."""

    def __init__(self, listed: Iterable[str] = (), resolver: Resolver | None = None):
        self.listed = {host_port(url) for url in listed}
        self.resolver = resolver

    def addresses(self, url: str, timeout: float) -> list[tuple]:
        """The addresses to connect to for ``url``; raises FetchFailure before any
        connection when the name does not resolve or an address is off limits."""
        host, port = host_port(url)
        infos = self._resolve(host, port, timeout)
        if (host, port) in self.listed:
            return infos
        for info in infos:
            ip = ipaddress.ip_address(str(info[4][0]).split("%")[0])
            kind = _address_kind(ip)
            if kind:
                raise FetchFailure(
                    f"refused: {_where(host, port)} is a {kind} address ({ip}) and the feeds "
                    "file does not name that host and port"
                )
        return infos

    def _resolve(self, host: str, port: int, timeout: float) -> list[tuple]:
        resolver = self.resolver or socket.getaddrinfo
        outcome: list = []

        def lookup() -> None:
            try:
                outcome.append(resolver(host, port, 0, socket.SOCK_STREAM))
            except Exception as error:  # handed to the caller below
                outcome.append(error)

        try:
            ipaddress.ip_address(host)
        except ValueError:
            # getaddrinfo takes no time-out: the lookup runs aside, the request waits its time.
            thread = threading.Thread(target=lookup, daemon=True, name=f"resolve {host}")
            thread.start()
            thread.join(max(timeout, 0.0))
        else:  # an address, not a name: nothing to look up
            lookup()
        if not outcome:
            raise FetchFailure(f"timed out resolving host '{host}'", transient=True, network=True)
        if isinstance(outcome[0], socket.gaierror):
            error = outcome[0]
            transient = error.errno in (socket.EAI_AGAIN, getattr(socket, "EAI_SYSTEM", None))
            raise FetchFailure(
                f"cannot resolve host '{host}' ({error.strerror or error})",
                transient=transient,
                network=True,
            )
        if isinstance(outcome[0], BaseException):
            raise outcome[0]
        if not outcome[0]:
            raise FetchFailure(f"cannot resolve host '{host}' (no address)", network=True)
        return list(outcome[0])


class _DeadlineReader(io.RawIOBase):
    """A socket's reading side that gives up at a deadline, however slowly bytes come."""

    def __init__(self, sock: socket.socket, deadline: float, clock: Callable[[], float]):
        super().__init__()
        self.sock, self.deadline, self.clock = sock, deadline, clock

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        self.sock.settimeout(_remaining(self.deadline, self.clock))
        return self.sock.recv_into(buffer)


def _remaining(deadline: float, clock: Callable[[], float]) -> float:
    remaining = deadline - clock()
    if remaining <= 0:
        raise TimeoutError("deadline passed")
    return remaining


class _DeadlineSocket:
    """What http.client needs of a socket, with every read and write inside one deadline."""

    def __init__(self, sock: socket.socket, deadline: float, clock: Callable[[], float]):
        self.sock, self.deadline, self.clock = sock, deadline, clock

    def makefile(self, mode: str = "rb", *args, **kwargs) -> io.BufferedReader:
        return io.BufferedReader(_DeadlineReader(self.sock, self.deadline, self.clock))

    def sendall(self, data: bytes) -> None:
        self.sock.settimeout(_remaining(self.deadline, self.clock))
        self.sock.sendall(data)

    def close(self) -> None:
        """http.client closes its socket before the body of a response that ends with
        the connection is read; the request closes the real socket when it is done."""


def describe(error: BaseException, url: str, timeout: float) -> FetchFailure:
    """A network error as a FetchFailure that says what happened."""
    if isinstance(error, FetchFailure):
        return error
    host, port = host_port(url)
    where = _where(host, port)
    if isinstance(error, TimeoutError):
        return FetchFailure(f"timed out after {timeout:g} s without a complete response", True)
    if isinstance(error, ssl.SSLCertVerificationError):
        return FetchFailure(f"TLS error: {error.verify_message or error.reason} ({host})")
    if isinstance(error, ssl.SSLEOFError):
        return FetchFailure(f"TLS error: connection closed during the handshake ({where})", True)
    if isinstance(error, ssl.SSLError):
        return FetchFailure(f"TLS error: {error.reason or error} ({where})")
    if isinstance(error, ConnectionRefusedError):
        return FetchFailure(f"connection refused by {where}", True, network=True)
    if isinstance(error, ConnectionResetError | BrokenPipeError | ConnectionAbortedError):
        return FetchFailure(f"connection reset by {where}", True)
    if isinstance(error, http.client.IncompleteRead):
        return FetchFailure(
            f"response cut short ({len(error.partial):,} bytes, then the connection closed)", True
        )
    if isinstance(error, http.client.HTTPException):
        return FetchFailure(f"broken HTTP response from {where} ({type(error).__name__})", True)
    if isinstance(error, OSError) and error.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
        return FetchFailure(f"network unreachable for {where} ({error.strerror})", True, True)
    if isinstance(error, OSError):
        return FetchFailure(f"network error with {where} ({error.strerror or error})", True)
    raise error


class Fetcher:
    """HTTP GETs with deadlines, retries, per-host delays, robots.txt and an address
    policy, for one fetch run. ``sleep`` and ``clock`` (monotonic seconds) are injectable
    so tests need not wait; ``listed`` is the feeds file's URLs (the hosts and ports that
    may be on a private network)."""

    def __init__(
        self,
        settings: FetchSettings = FetchSettings(),
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        listed: Iterable[str] = (),
        resolver: Resolver | None = None,
    ):
        self.settings = settings
        self.sleep = sleep
        self.clock = clock
        self.policy = AddressPolicy(listed, resolver)
        self.run_end = clock() + settings.run_timeout if settings.run_timeout else float("inf")
        self._tls = ssl.create_default_context()
        self._last_request: dict[str, float] = {}
        self._robots: dict[str, urllib.robotparser.RobotFileParser | FetchFailure] = {}

    def listen_to(self, urls: Iterable[str]) -> None:
        """Also let these URLs' hosts and ports be private (the feeds file names them)."""
        self.policy.listed |= {host_port(url) for url in urls}

    def out_of_time(self, margin: float = 0.0) -> bool:
        return self.clock() + margin >= self.run_end

    def _pause(self, seconds: float) -> None:
        """Wait, unless waiting would run past the run's deadline."""
        if seconds <= 0:
            return
        if self.clock() + seconds >= self.run_end:
            raise self._run_over()
        self.sleep(seconds)

    def _run_over(self, what: str = "not fetched") -> FetchFailure:
        return FetchFailure(
            f"{what}: the run's time limit ({self.settings.run_timeout:g} s) was reached",
            run_over=True,
        )

    def _wait_for_host(self, url: str) -> None:
        host = urlsplit(url).netloc
        last = self._last_request.get(host)
        if last is not None:
            self._pause(self.settings.delay - (self.clock() - last))
        self._last_request[host] = self.clock()

    def _exchange(
        self, url: str, headers: dict[str, str], want: Want
    ) -> Response:  # one request, one response: no redirects, no retries
        if self.out_of_time():
            raise self._run_over()
        timeout = self.settings.timeout
        infos = self.policy.addresses(url, min(timeout, self.run_end - self.clock()))
        self._wait_for_host(url)
        deadline = min(self.clock() + timeout, self.run_end)
        sock = self._connect(url, infos, deadline)
        parts = urlsplit(url)
        connection = http.client.HTTPConnection("unused")  # the socket is set here
        connection.sock = _DeadlineSocket(sock, deadline, self.clock)
        try:
            connection.request(
                "GET",
                (parts.path or "/") + (f"?{parts.query}" if parts.query else ""),
                headers={
                    "Host": parts.netloc.rpartition("@")[2],
                    "User-Agent": USER_AGENT,
                    "Accept": want.accept,
                    "Connection": "close",
                    **headers,
                },
            )
            return self._read(connection.getresponse(), url, want)
        except (OSError, http.client.HTTPException) as error:
            raise self._failure(error, url) from None
        finally:
            connection.close()
            sock.close()

    def _failure(self, error: BaseException, url: str) -> FetchFailure:
        if isinstance(error, TimeoutError) and self.out_of_time():
            return self._run_over("not finished")
        return describe(error, url, self.settings.timeout)

    def _connect(self, url: str, infos: list[tuple], deadline: float) -> socket.socket:
        """A connection to the first of the checked addresses that answers (TLS for https)."""
        host, port = host_port(url)
        last: BaseException = OSError("no address")
        for family, kind, proto, _, address in infos:
            sock = socket.socket(family, kind, proto)
            try:
                sock.settimeout(_remaining(deadline, self.clock))
                sock.connect(address)
            except TimeoutError:
                sock.close()
                if self.out_of_time():
                    raise self._failure(TimeoutError(), url) from None
                last = FetchFailure(
                    f"timed out connecting to {_where(host, port)}", transient=True, network=True
                )
                break  # the deadline is spent
            except OSError as error:
                sock.close()
                last = error
                continue
            if urlsplit(url).scheme != "https":
                return sock
            try:
                return self._tls.wrap_socket(sock, server_hostname=host)
            except OSError as error:
                sock.close()
                raise self._failure(error, url) from None
        raise self._failure(last, url)

    def _read(self, raw: http.client.HTTPResponse, url: str, want: Want) -> Response:
        headers = {k.lower(): v for k, v in raw.getheaders()}
        response = Response(raw.status, b"", headers, url, " ".join((raw.reason or "").split()))
        if raw.status != 200:
            return response  # only a 200's body is used
        max_bytes = want.max_bytes
        declared = headers.get("content-length", "").strip()
        expected = int(declared) if declared.isdigit() else None
        if expected is not None and expected > max_bytes and not want.keep_start:
            response.truncated = True  # refused unread
            return response
        chunks: list[bytes] = []
        total = 0
        while total <= max_bytes:
            chunk = raw.read(min(65536, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if expected is not None and total < min(expected, max_bytes + 1):
            raise FetchFailure(
                f"response cut short ({total:,} of {expected:,} bytes, then the connection closed)",
                transient=True,
            )
        response.body = b"".join(chunks)[:max_bytes]
        response.truncated = total > max_bytes
        return response

    def get(
        self, url: str, headers: dict[str, str] | None = None, want: Want | None = None
    ) -> Response:
        """GET with redirects and retries. A 5xx or 429 left after every retry is
        returned; FetchFailure when no response could be had."""
        want = want or Want(max_bytes=self.settings.max_bytes)
        attempt = 0
        while True:
            try:
                response = self._follow(url, headers or {}, want)
                if response.status < 500 and response.status != 429:
                    return response
                failure: FetchFailure | Response = response
            except FetchFailure as error:
                if not error.transient:
                    raise
                failure = error
            if attempt >= self.settings.retries:
                if isinstance(failure, Response):
                    return failure
                failure.attempts = attempt + 1
                raise failure
            try:
                self._pause(self._back_off(attempt, failure))
            except FetchFailure:  # no time left to wait: the failure stands
                if isinstance(failure, Response):
                    return failure
                failure.attempts = attempt + 1
                raise failure from None
            attempt += 1

    def _back_off(self, attempt: int, failure: FetchFailure | Response) -> float:
        wait = self.settings.backoff * 2**attempt
        if isinstance(failure, Response):
            retry_after = failure.header("Retry-After").strip()
            if retry_after.isdigit():
                wait = max(wait, min(float(retry_after), MAX_RETRY_AFTER))
        return wait

    def _follow(self, url: str, headers: dict[str, str], want: Want) -> Response:
        """One request and its redirects: at most ``max_redirects``, only to http(s), to a
        page robots.txt allows (unless this is robots.txt itself), never in a loop."""
        seen = [url]
        current = url
        while True:
            response = self._exchange(current, headers, want)
            location = response.header("Location")
            if response.status not in REDIRECT_STATUSES or not location:
                response.url, response.redirects = current, seen[1:]
                return response
            target = urljoin(current, location.strip())
            if urlsplit(target).scheme not in ("http", "https"):
                raise FetchFailure(f"redirect to a non-HTTP URL refused: {target}")
            if target in seen:
                raise FetchFailure(f"redirect loop: {target} leads back to itself")
            if len(seen) > self.settings.max_redirects:
                raise FetchFailure(f"more than {self.settings.max_redirects} redirects")
            # The target's address first: its robots.txt would be a connection too.
            self.policy.addresses(target, self.settings.timeout)
            if want.check_robots:
                verdict = self.robots(target)
                if verdict.unreachable:
                    raise FetchFailure(
                        f"redirect to {target}, whose robots.txt is unreachable "
                        f"({verdict.unreachable})"
                    )
                if not verdict.allowed:
                    raise FetchFailure(f"redirect to {target}, which robots.txt disallows")
            seen.append(target)
            current = target

    def robots(self, url: str) -> RobotsVerdict:
        """Whether robots.txt of the URL's site lets this User-Agent fetch it (RFC 9309)."""
        origin = _origin(url)
        if origin not in self._robots:
            self._robots[origin] = self._load_robots(origin)
        parser = self._robots[origin]
        if isinstance(parser, FetchFailure):
            return RobotsVerdict(False, str(parser), parser.network)
        return RobotsVerdict(parser.can_fetch(USER_AGENT, url))

    def allowed(self, url: str) -> bool:
        return self.robots(url).allowed

    def _load_robots(self, origin: str) -> urllib.robotparser.RobotFileParser | FetchFailure:
        """The parsed robots.txt, or why it is unreachable (then nothing is allowed)."""
        try:
            response = self.get(f"{origin}/robots.txt", want=ROBOTS)
        except FetchFailure as failure:
            return failure
        parser = urllib.robotparser.RobotFileParser()
        if response.status >= 500 or response.status == 429:
            detail = f" {response.reason}" if response.reason else ""
            return FetchFailure(f"HTTP {response.status}{detail}")
        if response.status >= 400:
            parser.parse([])  # no robots.txt: everything allowed
        elif response.status in REDIRECT_STATUSES:
            return FetchFailure("a redirect without a Location")
        else:
            parser.parse(response.body.decode("utf-8", errors="replace").splitlines())
        return parser
