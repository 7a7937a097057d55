"""Summaries of every article (or story) in a path, one per input item, as
``newsdigest summarize`` prints them: the contract other programs evaluate with.

Articles are read, cleaned and summarised exactly as in the build. Duplicates are
not dropped: every input item gets its summary, in input order, under the id the
input gave it. In a JSON Lines file a line the build skips for want of a text
still has an id, so it is answered too (with an empty summary).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from .ingest import ingest
from .model import Article, Document, Problem, Summary
from .prepare import prepare_articles
from .stories import date_key
from .summarise import Length, summarise_document, summarise_story


@dataclass(frozen=True)
class Entry:
    """One input item: the id the input gave it, its fields, and its document."""

    id: str
    field: Callable[[str], object]  # the item's value of a metadata field
    document: Document


@dataclass
class Entries:
    entries: list[Entry]
    read_problems: list[Problem]  # what ingest could not read
    empty: list[Problem]  # articles with no text left after cleaning


def _article_field(article: Article, name: str) -> object:
    return (
        getattr(article, name, None)
        if name in ("id", "title", "source", "url")
        else article.extra(name)
    )


def read_entries(path: Path) -> Entries:
    """Every input item of ``path`` (an article file, a folder, a JSON Lines file), in input
    order."""
    read = ingest([path])
    per_article = prepare_articles(read.articles)
    entries = [
        Entry(a.id, partial(_article_field, a), p.document)
        for a, p in zip(read.articles, per_article.prepared)
    ]
    if path.is_file() and path.suffix.lower() in (".jsonl", ".ndjson"):
        entries = [Entry(read.given_ids.get(e.id, e.id), e.field, e.document) for e in entries]
        for unread in reversed(read.unread):  # the lines without a text, where they stood
            document = Document(Article(id=unread.id, text="", origin=f"{path}"), ())
            entries.insert(
                unread.position,
                Entry(unread.id, unread.fields.get, document),
            )
    return Entries(entries, read.problems, per_article.problems)


def article_summaries(entries: list[Entry], length: Length) -> list[tuple[Entry, Summary]]:
    return [(entry, summarise_document(entry.document, length)) for entry in entries]


def story_summaries(
    entries: list[Entry], by_field: str, length: Length
) -> list[tuple[object, Summary]]:
    """One story summary per distinct value of ``by_field``, in order of first appearance,
    the articles in the order the site gives a story's (oldest first, then id)."""
    groups: dict[object, list[Document]] = {}
    for entry in entries:
        groups.setdefault(entry.field(by_field), []).append(entry.document)
    return [
        (value, summarise_story(sorted(members, key=lambda d: date_key(d.article)), length))
        for value, members in groups.items()
    ]
