"""Content-hash cache of per-article and per-story values, so a rebuild after a few
new articles redoes only what they change.

Each entry is keyed by a SHA-256 over everything its value depends on:

- the article as read (every field: text, title, outlet, date, id, ...), except
  where it was read from (``origin``, only used in messages), so moving or
  renaming the input folder keeps the cache; the origin is put back on load;
- the settings the stage uses (summary length, ranker);
- the newsdigest version and a fingerprint of the source of the modules that
  compute the value (``STAGE_MODULES``), so editing the code during development
  invalidates the cache as a release would.

Entries are JSON (never pickle: a cache entry is data, not code) with a checksum
of their payload, kept in one SQLite file per kind (``articles.sqlite``,
``stories.sqlite``): creating ten thousand small files cost the main process up to
1.4 ms each on this machine, more than the rest of storing an entry. An entry that
does not parse, has another format or fails its checksum is treated as missing and
rebuilt; a file that is not a readable database is replaced by an empty one. So
deleting or damaging the cache only costs time.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

from . import __version__
from .model import Article, CacheUse, SentenceRef, Summary

FORMAT = 4
# How long a build waits for another build that is writing the same cache, before it
# says so and goes on without the cache: a commit of another build takes milliseconds, a
# build that holds the file longer is not worth waiting for (60 s stalled a build 124 s).
LOCK_TIMEOUT_SECONDS = 1.0
# The modules whose code decides a cached value; their source is part of every key.
STAGE_MODULES = (
    "clean.py",
    "furniture.py",
    "unfurnish.py",
    "datelines.py",
    "sentences.py",
    "captions.py",
    "rankers.py",
    "summarise.py",
    "dedupe.py",
    "group.py",
    "ngrams.py",
    "model.py",
    "cache.py",
    "prepare.py",
)


@cache
def code_fingerprint() -> str:
    digest = hashlib.sha256(__version__.encode())
    here = Path(__file__).parent
    for name in STAGE_MODULES:
        digest.update(name.encode() + b"\0" + (here / name).read_bytes())
    return digest.hexdigest()


def entry_key(article: Article, settings_key: str) -> str:
    """The cache key of a value computed from ``article`` alone, under the given settings."""
    # repr() of the frozen dataclass lists every field, dates with their zone.
    material = json.dumps(
        [FORMAT, code_fingerprint(), settings_key, repr(replace(article, origin=""))]
    )
    return hashlib.sha256(material.encode()).hexdigest()


def _checksum(payload_text: str) -> str:
    return hashlib.sha256(payload_text.encode()).hexdigest()


# Entries per transaction: a commit costs ~0.25 ms here, a quarter of the per-article
# work at 10,000 articles when each entry was its own; a build that is killed outright
# loses at most this many entries (one that is stopped commits them on the way out).
COMMIT_ENTRIES = 64


_OLD_ENTRY = re.compile(r"[0-9a-f]{64}\.json|\.tmp-[^/]*\.json")


def _remove_old_layout(folder: Path) -> bool:
    """Delete ``folder`` if it is a cache of an earlier version, and say whether it was.

    Before the SQLite store, entries were files ``folder/<2 hex>/<key>.json``, which
    nothing reads any more: left alone they only take space. The folder goes only if
    everything in it has exactly that shape, so a folder of anything else (a
    ``--cache-dir`` pointed somewhere unexpected) is never touched.
    """
    if not folder.is_dir():
        return False
    for sub in folder.iterdir():
        if not (sub.is_dir() and not sub.is_symlink() and re.fullmatch(r"[0-9a-f]{2}", sub.name)):
            return False
        if not all(
            entry.is_file() and not entry.is_symlink() and _OLD_ENTRY.fullmatch(entry.name)
            for entry in sub.iterdir()
        ):
            return False
    shutil.rmtree(folder, ignore_errors=True)
    return not folder.exists()


def _locked(error: sqlite3.Error) -> bool:
    return "locked" in str(error) or "busy" in str(error)


@dataclass(frozen=True)
class CacheConfig:
    """Where a build keeps its caches, and how long it waits for another build writing them."""

    folder: Path
    lock_timeout: float = LOCK_TIMEOUT_SECONDS


class Store:
    """Checksummed JSON entries by key, in the SQLite file ``<folder>.sqlite``.

    Entries are committed every ``COMMIT_ENTRIES`` and on ``close`` (SQLite's
    write-ahead log keeps that cheap), so a build that is stopped keeps what it
    stored; a build killed mid-write leaves the last committed state. ``close``
    when done.
    """

    def __init__(self, folder: Path, lock_timeout: float = LOCK_TIMEOUT_SECONDS):
        self.folder = Path(folder)
        self.lock_timeout = lock_timeout
        self.path = self.folder.with_suffix(".sqlite")
        self.hits = self.misses = self.rebuilt = 0
        self.note: str | None = None  # why the cache is not (fully) used, for the build's messages
        self.removed_old_layout = False
        self._db: sqlite3.Connection | None = None
        self._writable = True
        self._pending: list[tuple] = []  # entries put since the last commit
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            self._without(f"cannot be created ({error.strerror})")
            return
        self.removed_old_layout = _remove_old_layout(Path(folder))
        try:
            self._db = self._open()
        except sqlite3.OperationalError as error:
            if _locked(error):
                # Another build holds the file: go on without the cache (it only saves
                # time), say so, and leave the file to whoever holds it.
                self._without("is locked by another process")
            else:
                self._read_only(error)
        except sqlite3.DatabaseError:  # not a database, or not ours: start afresh
            self._replace()

    def _without(self, why: str, what: str = "this build goes on without it") -> None:
        self.note = f"cache {self.path}: {why}; {what}"

    def _read_only(self, error: sqlite3.Error) -> None:
        """A cache this build may not write (a read-only file or folder) is still read."""
        for mode in ("ro", "ro&immutable=1"):
            try:
                self._db = self._open(mode)
            except sqlite3.DatabaseError:
                continue
            self._writable = False
            self._without("cannot be written", "read, and not updated")
            return
        self._without(f"cannot be opened ({error})")

    def _replace(self) -> None:
        """A damaged cache file (not a database, bad pages, another schema) starts afresh."""
        self.rebuilt += 1
        if self._db is not None:
            self._db.close()
            self._db = None
        try:
            for stale in (self.path, Path(f"{self.path}-wal"), Path(f"{self.path}-shm")):
                stale.unlink(missing_ok=True)
            self._db = self._open()
        except (OSError, sqlite3.Error) as error:
            self._without(f"is damaged and cannot be replaced ({error})")

    def _open(self, mode: str | None = None) -> sqlite3.Connection:
        if mode:
            db = sqlite3.connect(
                f"{self.path.resolve().as_uri()}?mode={mode}", uri=True, timeout=self.lock_timeout
            )
        else:
            db = sqlite3.connect(self.path, timeout=self.lock_timeout)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")  # a lost last commit only costs time
            db.execute(
                "CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, format INTEGER, "
                "checksum TEXT, payload TEXT)"
            )
        columns = [row[1] for row in db.execute("PRAGMA table_info(entries)")]
        if columns != ["key", "format", "checksum", "payload"]:
            db.close()
            raise sqlite3.DatabaseError(f"not a newsdigest cache (columns {columns})")
        db.execute("SELECT count(*) FROM entries").fetchone()  # a damaged file fails here
        return db

    def get(self, key: str, decode=lambda payload: payload):
        """``decode(payload)`` of the entry, or None when absent or not trustworthy (then it is
        rebuilt)."""
        if self._db is None:
            self.misses += 1
            return None
        self.commit()  # an entry put earlier is read back, committed or not
        try:
            row = self._db.execute(
                "SELECT format, checksum, payload FROM entries WHERE key = ?", (key,)
            ).fetchone()
        except sqlite3.OperationalError as error:
            if not _locked(error):
                self._replace()  # bad pages: replaced once, not rebuilt at every build
            self.misses += 1
            return None
        except sqlite3.DatabaseError:
            self._replace()
            self.misses += 1
            return None
        if row is None:
            self.misses += 1
            return None
        try:
            entry_format, check, payload_text = row
            if (
                entry_format != FORMAT
                or not isinstance(payload_text, str)
                or check != _checksum(payload_text)
            ):
                raise ValueError("entry does not match its checksum")
            value = decode(json.loads(payload_text))
        except (ValueError, KeyError, TypeError, IndexError, AttributeError):
            self.rebuilt += 1
            return None
        self.hits += 1
        return value

    def put(self, key: str, payload) -> None:
        """Store an entry; committed with the next ``COMMIT_ENTRIES`` or on ``close``."""
        if self._db is None or not self._writable:
            return
        payload_text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        self._pending.append((key, FORMAT, _checksum(payload_text), payload_text))
        if len(self._pending) >= COMMIT_ENTRIES:
            self.commit()

    def commit(self) -> None:
        if not self._pending or self._db is None:
            return
        try:
            with self._db:  # one transaction: committed on leaving
                self._db.executemany(
                    "INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?)", self._pending
                )
        except sqlite3.DatabaseError as error:
            # Locked past the timeout or not writable: stop writing rather than wait at
            # every entry. A cache not written costs the next build time, never this one.
            self._writable = False
            self._without(
                "is locked by another process"
                if _locked(error)
                else f"cannot be written ({error})",
                "read, and not updated by this build",
            )
        self._pending.clear()

    def close(self) -> None:
        if self._db is not None:
            if self._writable:
                self.commit()
            self._db.close()

    @property
    def stats(self) -> tuple[int, int, int]:
        return self.hits, self.misses, self.rebuilt

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


# --- story-level values: summaries and sentence references as tagged JSON --------


def encode(value):
    """Summary, SentenceRef, dict, tuple and plain values as JSON that ``decode`` reverses
    exactly."""
    if isinstance(value, SentenceRef):
        return {"ref": [value.article_id, value.index, value.text]}
    if isinstance(value, Summary):
        return {"summary": [encode(ref) for ref in value.sentences]}
    if isinstance(value, dict):
        return {"dict": [[key, encode(item)] for key, item in value.items()]}
    if isinstance(value, (tuple, list)):
        return {"tuple" if isinstance(value, tuple) else "list": [encode(item) for item in value]}
    if value is None or isinstance(value, (str, int, float, bool)):
        return {"value": value}
    raise TypeError(f"cannot cache a {type(value).__name__}")


def decode(data):
    ((tag, body),) = data.items()
    if tag == "ref":
        return SentenceRef(str(body[0]), int(body[1]), str(body[2]))
    if tag == "summary":
        return Summary(tuple(decode(item) for item in body))
    if tag == "dict":
        return {key: decode(item) for key, item in body}
    if tag == "tuple":
        return tuple(decode(item) for item in body)
    if tag == "list":
        return [decode(item) for item in body]
    if tag == "value":
        return body
    raise ValueError(f"unknown tag {tag!r}")


def group_key(name: str, articles: Sequence[Article], arguments: tuple) -> str:
    """Key of a story-level value: the function, its arguments and its articles' full content.

    The articles' sentences and scores follow from their content and the stage code,
    which ``code_fingerprint`` covers.
    """
    digest = hashlib.sha256(
        json.dumps([FORMAT, code_fingerprint(), name, repr(arguments)]).encode()
    )
    for article in articles:
        # Where an article was read from is left out, as in ``entry_key``: moving the
        # input folder must not make every story a miss.
        digest.update(hashlib.sha256(repr(replace(article, origin="")).encode()).digest())
    return digest.hexdigest()


def through_cache(
    store: Store | None,
    keys: Callable[[], list[str]],
    compute: Callable[[list[int]], Iterable[Any]],
    count: int,
    dump: Callable[[Any], Any],
    load: Callable[[Any, int], Any],
) -> list:
    """Values ``0 .. count-1``: from ``store`` where it holds them, the others from
    ``compute(missing indices)``, which yields their values in that order; each is
    stored as it comes, so an interrupted build keeps what it made.

    ``dump(value)`` is the JSON payload of a value, ``load(payload, i)`` value ``i``
    again (it may raise on a damaged payload: the entry is then rebuilt).
    """
    if store is None:
        return list(compute(list(range(count))))
    key_list = keys()
    results: list[Any] = [None] * count
    missing = []
    for i, key in enumerate(key_list):
        value = store.get(key, lambda payload, i=i: load(payload, i))
        if value is None:
            missing.append(i)
        else:
            results[i] = value
    for i, value in zip(missing, compute(missing)):
        results[i] = value
        store.put(key_list[i], dump(value))
    return results


def open_store(cache: CacheConfig | None, kind: str) -> Store | None:
    """The store of one kind of value (``articles``, ``stories``), or None without a cache."""
    return Store(cache.folder / kind, cache.lock_timeout) if cache else None


def usage(name: str, store: Store | None) -> list[CacheUse]:
    """How ``store`` was used, for the build's messages (nothing without a store)."""
    if store is None:
        return []
    return [
        CacheUse(
            name,
            *store.stats,
            removed=str(store.folder) if store.removed_old_layout else None,
            note=store.note,
        )
    ]
