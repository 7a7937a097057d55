"""Plain data types passed between the pipeline stages.

Each stage is a function from one of these to the next:

    ingest  -> list[Article]              (raw text + metadata, one per input item)
    clean   -> list[Article]              (boilerplate removed, text normalised)
    sentences -> list[Document]           (an article with its sentences)
    summarise -> dict[id, Summary]
    group   -> list[Story]
    render  -> Markdown files

They are frozen dataclasses so that a stage cannot mutate its input behind the
next stage's back; stages return new values instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True)
class Article:
    """One news article as read from the input, before or after cleaning.

    ``id`` is stable across builds (derived from the file path or the item's own id),
    so it can key caches and URLs. Metadata that the input does not carry stays
    ``None``: newsdigest never invents a title, outlet, date or URL.
    """

    id: str
    text: str
    origin: str  # the input file (and item) it came from, for messages
    title: str | None = None
    title_derived: bool = False  # True when the title was taken from the first sentence
    source: str | None = None  # the outlet ("Al Jazeera")
    date: datetime | None = None  # timezone-aware
    url: str | None = None
    author: str | None = None
    language: str | None = None
    extras: tuple[tuple[str, str], ...] = ()  # other metadata kept verbatim (label, ...)
    also_in: tuple[str, ...] = ()  # other outlets that ran the same text (see dedupe.py)

    def extra(self, key: str) -> str | None:
        return dict(self.extras).get(key)


@dataclass(frozen=True)
class Document:
    """An article split into sentences: the unit the summariser and grouper work on."""

    article: Article
    sentences: tuple[str, ...]
    # The default ranker's score of each sentence, when the per-article stage made them:
    # the story stage ranks the same sentences again, and reuses these instead.
    scores: tuple[float, ...] = ()
    # Features of the global stages, when the per-article stage made them (see
    # newsdigest.features): derived from the fields above, so left out of repr and ==.
    names: tuple[str, ...] | None = field(default=None, repr=False, compare=False)
    shingles: np.ndarray | None = field(default=None, repr=False, compare=False)

    @property
    def id(self) -> str:
        return self.article.id


@dataclass(frozen=True)
class SentenceRef:
    """A sentence quoted from an article, with where it came from (for attribution)."""

    article_id: str
    index: int  # position of the sentence in its article
    text: str


@dataclass(frozen=True)
class Summary:
    """Selected sentences, in document order (for a story: in source order)."""

    sentences: tuple[SentenceRef, ...]

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)


@dataclass(frozen=True)
class Story:
    """Related coverage of one event: one or more articles from one or more outlets."""

    slug: str
    title: str
    article_ids: tuple[str, ...]  # oldest first, then by id
    summary: Summary = field(default_factory=lambda: Summary(()))
    topics: tuple[str, ...] = ()  # topic slugs
    terms: tuple[str, ...] = ()  # the story's most distinctive terms


@dataclass(frozen=True)
class Problem:
    """Something the build skipped, repaired or warns about, with the file it concerns."""

    origin: str
    message: str
    action: str = "skipped"  # "skipped" | "repaired" | "merged" | "warning"

    def __str__(self) -> str:
        return f"{self.origin}: {self.action}: {self.message}"
