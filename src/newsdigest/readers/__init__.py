"""Readers: one small module per input format, registered by file extension.

A reader takes a decoded input file and yields ``Article`` values. It raises
``ReaderError`` with a message for a person when the file cannot be read; the
ingest stage turns that into a one-line "skipped" report and goes on. A reader
that repairs part of a file (drops a bad date, say) yields a ``Note`` saying so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..model import Article

# A reader yields articles, notes of what it repaired, and errors of parts it could not
# read (a bad line of a JSON Lines file) while it reads the rest.
Reader = Callable[[Path, str, "ReadContext"], Iterator["Article | Note | ReaderError"]]


class ReaderError(Exception):
    """The file cannot be read as its kind; the message says why, for a person."""


@dataclass(frozen=True)
class Note:
    """Something a reader repaired or skipped inside a file that is otherwise read.

    Readers yield these between articles; ingest reports each as one line naming the
    file (plus ``where``, e.g. ``:3`` for a line or ``:entry 3`` for a feed entry).
    """

    message: str
    action: str = "repaired"  # "repaired" | "skipped" | "warning"
    where: str = ""


class ReadContext:
    """What a reader may need besides the file: its id and the manifest's metadata."""

    def __init__(self, article_id: str, origin: str, metadata: dict | None = None):
        self.article_id = article_id
        self.origin = origin
        self.metadata = metadata or {}


READERS: dict[str, Reader] = {}
# Extensions whose reader opens the file itself (a database): ingest neither decodes
# it as text nor applies the size limit of an article file; the reader gets "".
OPENS_ITSELF: set[str] = set()


def register(*extensions: str, opens_itself: bool = False) -> Callable[[Reader], Reader]:
    def decorator(reader: Reader) -> Reader:
        for extension in extensions:
            READERS[extension] = reader
            if opens_itself:
                OPENS_ITSELF.add(extension)
        return reader

    return decorator


def reader_for(path: Path) -> Reader | None:
    return READERS.get(path.suffix.lower())


def opens_itself(path: Path) -> bool:
    return path.suffix.lower() in OPENS_ITSELF


# Importing the modules registers their readers.
from . import archive, feed, html, jsonl, markdown, text  # noqa: E402,F401
