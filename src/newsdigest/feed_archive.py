"""The feed archive: every entry ``newsdigest fetch`` has ever seen, in one SQLite file.

``fetched/archive.sqlite`` (``ARCHIVE_NAME`` in the ``--out`` folder) is data, not a
cache: entries that rolled off their feed exist nowhere else, so it is never replaced
or rebuilt. SQLite gives one file, transactions and no server; the file carries its
own ``PRAGMA application_id`` (``APPLICATION_ID``) and schema version (``PRAGMA
user_version``, ``SCHEMA_VERSION``).

An entry is keyed by its feed (the URL the feeds file lists) and ``key``: ``id:`` and
the entry's own id (Atom ``<id>``, RSS ``<guid>``), else ``link:`` and its link, else
``hash:`` and a SHA-256 of its title and date. An entry that changes upstream is
updated in place; ``first_seen`` never changes and stands in for the date only when
the entry has none (the reader says so). Each feed's entries are written in one
transaction, and each linked page (``fulltext.py``) in one of its own, so a fetch
killed at any point leaves the archive as it was after the last complete feed or page.

A folder of feed files from an earlier version (``<name>.xml`` files and the hidden
``.newsdigest-fetch.json`` of their validators) is imported on the first fetch; the
files then move to ``.imported/`` (hidden, so the build does not read them twice).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

from slugify import slugify

from .errors import NewsdigestError

ARCHIVE_NAME = "archive.sqlite"
APPLICATION_ID = 0x6E644641  # "ndFA": a newsdigest feed archive
SCHEMA_VERSION = 1
STATE_FILE = ".newsdigest-fetch.json"  # an earlier version's validators (imported)
IMPORTED_DIR = ".imported"  # where imported feed files go (hidden: ingest skips it)
MAX_PAGE_ATTEMPTS = 3  # a page that fails for a passing reason is tried on this many runs

_SCHEMA = """
CREATE TABLE feeds (
    url           TEXT PRIMARY KEY,  -- as the feeds file lists it
    title         TEXT,              -- the feed's own title: the outlet
    site          TEXT,              -- the feed's link: relative entry links resolve to it
    language      TEXT,
    etag          TEXT,              -- validators of the last 200, for conditional requests
    last_modified TEXT,
    first_fetched TEXT NOT NULL,     -- UTC, ISO 8601
    last_fetched  TEXT NOT NULL
);
CREATE TABLE entries (
    feed          TEXT NOT NULL REFERENCES feeds (url),
    key           TEXT NOT NULL,     -- 'id:<entry id>' | 'link:<url>' | 'hash:<sha256>'
    guid          TEXT,
    link          TEXT,              -- absolute http(s) URL, or NULL
    title         TEXT,              -- as the feed gives it (may hold markup)
    author        TEXT,
    published     TEXT,              -- ISO 8601 with the publisher's offset; NULL: none given
    content       TEXT NOT NULL,     -- the entry's HTML: its content, else its description
    digest        TEXT NOT NULL,     -- SHA-256 of the fields above: tells an update upstream
    first_seen    TEXT NOT NULL,     -- UTC, ISO 8601; never changes
    last_seen     TEXT NOT NULL,
    updated       TEXT,              -- when it last changed upstream
    page_status   TEXT,              -- linked page: NULL (to fetch) | ok | retry | failed
    page_attempts INTEGER NOT NULL DEFAULT 0,
    page_error    TEXT,
    page_text     TEXT,              -- the article trafilatura found on the page
    page_etag     TEXT,
    page_last_modified TEXT,
    page_fetched  TEXT,
    PRIMARY KEY (feed, key)
);
"""


class ArchiveError(NewsdigestError):
    """The archive cannot be used; the message says what to do (it is never replaced)."""


def damaged(path: Path, reason: object) -> ArchiveError:
    return ArchiveError(
        f"{path}: the archive is damaged ({' '.join(str(reason).split())}); it was left as it "
        "is. It holds every entry fetched so far and cannot be fetched again: back it up, "
        f"then recover it with `sqlite3 {path} .recover | sqlite3 recovered.sqlite` (or a "
        "dump, where .recover fails) and put recovered.sqlite in its place (README: "
        "'A damaged archive')"
    )


def feed_filename(url: str) -> str:
    """A safe, stable file name for a feed URL: [a-z0-9-] plus a hash, never a path.

    Earlier versions saved each feed under this name; its stem is still the prefix of
    the feed's article ids, so ids (and editors' takedowns) survive the archive."""
    parts = urlsplit(url)
    readable = (
        slugify(
            f"{parts.hostname or ''} {parts.path} {parts.query}", max_length=60, word_boundary=True
        )
        or "feed"
    )
    return f"{readable}-{hashlib.sha256(url.encode('utf-8')).hexdigest()[:10]}.xml"


def short_hash(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:12]


def utc_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class FeedInfo:
    title: str | None
    site: str | None
    language: str | None


@dataclass(frozen=True)
class FeedEntry:
    key: str
    guid: str | None
    link: str | None
    title: str | None
    author: str | None
    published: str | None
    content: str

    @property
    def digest(self) -> str:
        fields = [self.guid, self.link, self.title, self.author, self.published, self.content]
        return hashlib.sha256(json.dumps(fields).encode("utf-8")).hexdigest()

    @property
    def id_part(self) -> str:
        """What the article id hashes: as the feed reader did, so ids stay the same."""
        return self.key.split(":", 1)[1]


def parse_feed(body: bytes | str):
    import feedparser

    return feedparser.parse(body, sanitize_html=True, resolve_relative_uris=False)


def is_feed(parsed) -> bool:
    return bool(parsed.get("version")) or bool(parsed.entries)


def entries_of(parsed) -> tuple[FeedInfo, list[FeedEntry]]:
    """The feed's own fields and its entries, each once (the first of a repeated key)."""
    from .readers.feed import _entry_date

    feed = parsed.feed
    link = str(feed.get("link") or "")
    site = link if link.startswith(("http://", "https://")) else None
    info = FeedInfo(feed.get("title") or None, site, feed.get("language") or None)
    entries: dict[str, FeedEntry] = {}
    for entry in parsed.entries:
        item = _entry(entry, site, _entry_date(entry))
        entries.setdefault(item.key, item)
    return info, list(entries.values())


def _link(entry, site: str | None) -> str | None:
    """The entry's link as an absolute http(s) URL (relative to the feed's site), or None."""
    link = entry.get("link") or None
    if link and site:
        try:
            link = urljoin(site, link)
        except ValueError:  # not a URL (an unclosed "[" of an IPv6 address, say)
            return None
    return link if link and link.startswith(("http://", "https://")) else None


def _entry(entry, site: str | None, date: datetime | None) -> FeedEntry:
    link = _link(entry, site)
    contents = [c.get("value", "") for c in entry.get("content", []) if c.get("value")]
    content = max(contents, key=len) if contents else (entry.get("summary") or "")
    title = entry.get("title") or None
    published = date.isoformat() if date else None
    guid = entry.get("id") or None
    if guid:
        key = f"id:{guid}"
    elif link:
        key = f"link:{link}"
    else:
        seed = f"{title or ''}\n{published or ''}" if title or published else content
        key = f"hash:{hashlib.sha256(seed.encode('utf-8')).hexdigest()}"
    return FeedEntry(key, guid, link, title, entry.get("author") or None, published, content)


@dataclass(frozen=True)
class Stored:
    """What storing one feed's entries did."""

    new: int
    updated: int
    total: int  # the feed's entries in the archive


@dataclass(frozen=True)
class PendingPage:
    feed: str
    key: str
    link: str
    etag: str | None
    last_modified: str | None
    attempts: int


@dataclass(frozen=True)
class PageOutcome:
    # "ok" | "unchanged" (a 304: the text kept) | "retry" | "failed"; not recorded:
    # "unreached" (no server answered: the network) | "left" (the run's time ran out)
    status: str
    text: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    error: str = ""


def _connect(path: Path) -> sqlite3.Connection:
    """An existing archive, opened read-write (so SQLite can roll back what an
    interrupted write left), never created."""
    uri = f"file:{quote(str(path.resolve()))}?mode=rw"
    db = sqlite3.connect(uri, uri=True, timeout=30, isolation_level=None)
    db.row_factory = sqlite3.Row
    return db


def check_archive(db: sqlite3.Connection, path: Path) -> None:
    """Raise ArchiveError unless the file is a newsdigest archive this version reads."""
    application = db.execute("PRAGMA application_id").fetchone()[0]
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if application != APPLICATION_ID:
        raise ArchiveError(
            f"{path}: not a newsdigest feed archive (a SQLite file of something else?); "
            "it was left as it is: move it out of this folder"
        )
    if version > SCHEMA_VERSION:
        raise ArchiveError(
            f"{path}: written by a newer newsdigest (archive schema {version}; this version "
            f"reads up to {SCHEMA_VERSION}); it was left as it is: upgrade newsdigest"
        )


class FeedArchive:
    """The archive of one ``--out`` folder, open for a fetch run."""

    def __init__(self, db: sqlite3.Connection, path: Path):
        self.db, self.path = db, path

    @classmethod
    def open(cls, folder: Path) -> FeedArchive:
        """Open the folder's archive (created when there is none). A file that is not a
        readable archive raises ArchiveError and is left untouched."""
        path = folder / ARCHIVE_NAME
        if not path.exists():
            try:
                folder.mkdir(parents=True, exist_ok=True)
                _create(path)
            except (OSError, sqlite3.Error) as error:
                reason = getattr(error, "strerror", None) or error
                raise ArchiveError(f"{path}: the archive cannot be created ({reason})") from None
        try:
            db = _connect(path)
        except sqlite3.DatabaseError as error:
            raise damaged(path, error) from None
        try:
            check_archive(db, path)
            verdict = db.execute("PRAGMA quick_check").fetchone()[0]
            if verdict != "ok":
                raise damaged(path, verdict)
        except sqlite3.DatabaseError as error:
            db.close()
            raise damaged(path, error) from None
        except ArchiveError:
            db.close()
            raise
        return cls(db, path)

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing; a write SQLite refuses (a full disk, another fetch holding the
        archive) is an ArchiveError, and the archive keeps what it had before it."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise ArchiveError(
                f"{self.path}: cannot write to the archive ({error}; is another newsdigest "
                "fetch writing to it?); it keeps what it had"
            ) from None
        try:
            yield
            self.db.execute("COMMIT")
        except BaseException as error:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            if isinstance(error, sqlite3.DatabaseError):
                raise ArchiveError(
                    f"{self.path}: cannot write to the archive ({error}); it keeps what it "
                    "had before this write"
                ) from None
            raise

    def validators(self, url: str) -> dict[str, str]:
        """Conditional-request headers for a feed the archive holds."""
        row = self.db.execute(
            "SELECT etag, last_modified FROM feeds WHERE url = ?", (url,)
        ).fetchone()
        headers = {}
        if row and row["etag"]:
            headers["If-None-Match"] = row["etag"]
        if row and row["last_modified"]:
            headers["If-Modified-Since"] = row["last_modified"]
        return headers

    def has_feed(self, url: str) -> bool:
        return self.db.execute("SELECT 1 FROM feeds WHERE url = ?", (url,)).fetchone() is not None

    def count(self, url: str | None = None) -> int:
        if url is None:
            return int(self.db.execute("SELECT count(*) FROM entries").fetchone()[0])
        return int(
            self.db.execute("SELECT count(*) FROM entries WHERE feed = ?", (url,)).fetchone()[0]
        )

    def touch_feed(self, url: str, now: datetime) -> None:
        """A 304: the feed was asked and is unchanged."""
        with self.transaction():
            self.db.execute("UPDATE feeds SET last_fetched = ? WHERE url = ?", (utc_iso(now), url))

    def store(
        self,
        url: str,
        info: FeedInfo,
        entries: Iterable[FeedEntry],
        validators: tuple[str | None, str | None],
        now: datetime,
    ) -> Stored:
        """One feed's response, in one transaction: every entry added or updated in place."""
        stamp = utc_iso(now)
        new = updated = 0
        with self.transaction():
            self._store_feed(url, info, validators, stamp)
            for entry in entries:
                change = self._store_entry(url, entry, stamp)
                new += change == "new"
                updated += change == "updated"
        return Stored(new, updated, self.count(url))

    def _store_feed(
        self, url: str, info: FeedInfo, validators: tuple[str | None, str | None], stamp: str
    ) -> None:
        self.db.execute(
            "INSERT INTO feeds (url, title, site, language, etag, last_modified, first_fetched,"
            " last_fetched) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET"
            " title = excluded.title, site = excluded.site, language = excluded.language,"
            " etag = excluded.etag, last_modified = excluded.last_modified,"
            " last_fetched = excluded.last_fetched",
            (url, info.title, info.site, info.language, *validators, stamp, stamp),
        )

    def _store_entry(self, feed: str, entry: FeedEntry, stamp: str, only_new: bool = False) -> str:
        row = self.db.execute(
            "SELECT digest, link, content FROM entries WHERE feed = ? AND key = ?",
            (feed, entry.key),
        ).fetchone()
        fields = (entry.guid, entry.link, entry.title, entry.author, entry.published)
        if row is None:
            self.db.execute(
                "INSERT INTO entries (feed, key, guid, link, title, author, published, content,"
                " digest, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (feed, entry.key, *fields, entry.content, entry.digest, stamp, stamp),
            )
            return "new"
        if only_new:
            return "kept"
        if row["digest"] == entry.digest:
            self.db.execute(
                "UPDATE entries SET last_seen = ? WHERE feed = ? AND key = ?",
                (stamp, feed, entry.key),
            )
            return "unchanged"
        # Changed upstream: updated in place. Its page is asked again (conditionally: the
        # validators stay, unless the entry now links elsewhere).
        moved = row["link"] != entry.link
        self.db.execute(
            "UPDATE entries SET guid = ?, link = ?, title = ?, author = ?, published = ?,"
            " content = ?, digest = ?, last_seen = ?, updated = ?, page_status = NULL,"
            " page_attempts = 0, page_error = NULL,"
            " page_etag = CASE WHEN ? THEN NULL ELSE page_etag END,"
            " page_last_modified = CASE WHEN ? THEN NULL ELSE page_last_modified END"
            " WHERE feed = ? AND key = ?",
            (*fields, entry.content, entry.digest, stamp, stamp, moved, moved, feed, entry.key),
        )
        return "updated"

    def pending_pages(self, feeds: Iterable[str]) -> list[PendingPage]:
        """Entries of these feeds whose linked page is still to be had, newest first."""
        wanted = set(feeds)
        rows = self.db.execute(
            "SELECT feed, key, link, page_etag, page_last_modified, page_attempts FROM entries"
            " WHERE link IS NOT NULL AND (page_status IS NULL OR (page_status = 'retry'"
            " AND page_attempts < ?)) ORDER BY first_seen DESC, feed, key",
            (MAX_PAGE_ATTEMPTS,),
        ).fetchall()
        return [PendingPage(*row) for row in rows if row["feed"] in wanted]

    def record_page(self, page: PendingPage, outcome: PageOutcome, now: datetime) -> None:
        """One page's outcome, in a transaction of its own."""
        with self.transaction():
            if outcome.status in ("ok", "unchanged"):
                self.db.execute(
                    "UPDATE entries SET page_status = 'ok', page_error = NULL,"
                    " page_text = COALESCE(?, page_text), page_etag = ?, page_last_modified = ?,"
                    " page_fetched = ?, page_attempts = page_attempts + 1"
                    " WHERE feed = ? AND key = ?",
                    (
                        outcome.text,
                        outcome.etag or page.etag,
                        outcome.last_modified or page.last_modified,
                        utc_iso(now),
                        page.feed,
                        page.key,
                    ),
                )
                return
            status = outcome.status
            if status == "retry" and page.attempts + 1 >= MAX_PAGE_ATTEMPTS:
                status = "failed"
            self.db.execute(
                "UPDATE entries SET page_status = ?, page_error = ?, page_fetched = ?,"
                " page_attempts = page_attempts + 1 WHERE feed = ? AND key = ?",
                (status, outcome.error, utc_iso(now), page.feed, page.key),
            )

    def import_feed_files(self, folder: Path, urls: Iterable[str]) -> Imported:
        """Import the feed files an earlier version saved in ``folder``, once."""
        return _import_folder(self, folder, urls)


def _create(path: Path) -> None:
    """A new, empty archive, made aside and moved in place: never half made."""
    temporary = path.with_name(f".{path.name}.new")
    temporary.unlink(missing_ok=True)
    db = sqlite3.connect(temporary, isolation_level=None)
    try:
        db.executescript(
            f"PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {SCHEMA_VERSION};"
            f"BEGIN; {_SCHEMA} COMMIT;"
        )
    finally:
        db.close()
    os.replace(temporary, path)


@dataclass(frozen=True)
class Imported:
    files: int = 0
    entries: int = 0
    problems: tuple[str, ...] = ()  # files left where they were, and why


def _earlier_files(folder: Path, urls: Iterable[str]) -> dict[str, tuple[str, dict]]:
    """Feed URL -> (file name, its validators) for each feed file an earlier version saved."""
    try:
        state = json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        state = {}
    found: dict[str, tuple[str, dict]] = {}
    for url, known in (state if isinstance(state, dict) else {}).items():
        name = known.get("file") if isinstance(known, dict) else None
        if isinstance(name, str) and Path(name).name == name and (folder / name).is_file():
            found[str(url)] = (name, known)
    for url in urls:
        if url not in found and (folder / feed_filename(url)).is_file():
            found[url] = (feed_filename(url), {})
    return found


def _import_folder(archive: FeedArchive, folder: Path, urls: Iterable[str]) -> Imported:
    files = entries = 0
    problems: list[str] = []
    for url, (name, known) in sorted(_earlier_files(folder, urls).items()):
        path = folder / name
        try:
            parsed = parse_feed(path.read_bytes())
            seen = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
        except OSError as error:
            problems.append(f"{path}: not imported: cannot be read ({error.strerror})")
            continue
        if not is_feed(parsed):
            problems.append(f"{path}: not imported: not an RSS or Atom feed; left where it is")
            continue
        info, items = entries_of(parsed)
        stamp = utc_iso(seen)
        with archive.transaction():
            if not archive.has_feed(url):
                validators = (known.get("etag"), known.get("last_modified"))
                archive._store_feed(url, info, validators, stamp)
            for item in items:
                entries += archive._store_entry(url, item, stamp, only_new=True) == "new"
        (folder / IMPORTED_DIR).mkdir(exist_ok=True)
        os.replace(path, folder / IMPORTED_DIR / name)
        files += 1
    state = folder / STATE_FILE
    if files and state.is_file() and not _earlier_files(folder, ()):
        os.replace(state, folder / IMPORTED_DIR / STATE_FILE)
    return Imported(files, entries, tuple(problems))


@dataclass(frozen=True)
class ArchivedEntry:
    """One entry as the archive reader needs it."""

    feed_url: str
    feed_title: str | None
    language: str | None
    key: str
    link: str | None
    title: str | None
    author: str | None
    published: str | None
    content: str
    first_seen: str
    page_text: str | None

    @property
    def article_id(self) -> str:
        """``<feed file stem>/<hash>``: the id the feed reader gave the same entry."""
        return f"{feed_filename(self.feed_url)[:-4]}/{short_hash(self.key.split(':', 1)[1])}"


def read_entries(path: Path) -> list[ArchivedEntry]:
    """Every entry of the archive at ``path``, in a stable order (feed, first seen, key).

    Raises ArchiveError (naming what to do) when the file is not a readable archive."""
    try:
        db = _connect(path)
    except sqlite3.DatabaseError as error:
        raise damaged(path, error) from None
    try:
        db.execute("PRAGMA query_only = ON")
        check_archive(db, path)
        rows = db.execute(
            "SELECT e.feed, f.title, f.language, e.key, e.link, e.title, e.author, e.published,"
            " e.content, e.first_seen, e.page_text FROM entries e JOIN feeds f ON f.url = e.feed"
            " ORDER BY e.feed, e.first_seen, e.key"
        ).fetchall()
    except sqlite3.DatabaseError as error:
        raise damaged(path, error) from None
    finally:
        db.close()
    return [ArchivedEntry(*row) for row in rows]
