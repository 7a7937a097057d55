"""Plain data types passed between the pipeline stages.

Each stage is a function from one of these to the next:

    ingest      -> list[Article]      raw text + metadata, one per input item
    prepare     -> list[Document]     cleaned and split into sentences (with each
                                      stage's per-article features, see prepare.py)
    dedupe      -> list[Document]     syndicated copies collapsed into one entry
    stories     -> list[Story]        grouped, edited by the editor, with stable slugs
    summarise   -> Story.summary      story summaries and what each outlet adds
    topics      -> Story.topics       editor topics and automatic topics
    highlights  -> Highlights         key quotes, key terms, timeline per story
    render      -> Markdown files     (newsdigest.render)

They are frozen dataclasses so that a stage cannot mutate its input behind the
next stage's back; stages return new values instead (``dataclasses.replace``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .highlights import Highlights
    from .permalinks import Registry
    from .topics import Topic


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
    date_only: bool = False  # the input gave a calendar day and no time (see dates.localise)
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
    title_derived: bool = False  # the headline was taken from the text (no input title)


@dataclass(frozen=True)
class Problem:
    """Something the build skipped, repaired or warns about, with the file it concerns."""

    origin: str
    message: str
    action: str = "skipped"  # "skipped" | "repaired" | "merged" | "warning"

    def __str__(self) -> str:
        return f"{self.origin}: {self.action}: {self.message}"


@dataclass(frozen=True)
class CacheUse:
    """How a build used one of its caches (for -v)."""

    name: str  # "article" or the story-level value's name
    hits: int
    misses: int
    rebuilt: int  # damaged entries found and rebuilt
    removed: str | None = None  # an earlier version's cache folder of this kind, deleted
    note: str | None = None  # why the cache was not used, or only read (locked, read-only)


@dataclass
class Digest:
    """Everything a build found, as plain data: what the render stage writes out."""

    articles: dict[str, Article]
    documents: dict[str, Document]
    summaries: dict[str, Summary]  # article id -> the article's own summary
    stories: list[Story]  # every story, top stories first
    published: list[Story]  # the stories the site shows (retention_days), top stories first
    topics: list[Topic]  # editor topics by order, then automatic topics
    topic_stories: dict[str, list[str]]  # topic slug -> story slugs, pinned first
    exclusives: dict[str, tuple[SentenceRef, ...]]  # article id -> sentences only it reports
    highlights: dict[str, Highlights]  # published story slug -> quotes, terms, timeline
    date: datetime | None  # the date the digest stands for (see dates.digest_date)
    problems: list[Problem] = field(default_factory=list)
    files_read: int = 0
    redirects: dict[str, str] = field(default_factory=dict)  # old story slug -> current slug
    story_reasons: dict[str, list[str]] = field(default_factory=dict)  # slug -> why these articles
    registry: Registry | None = None  # the updated story registry, when one was given
    # old automatic topic slug -> the topic now holding its articles ("": the topics index)
    topic_redirects: dict[str, str] = field(default_factory=dict)
    caches: list[CacheUse] = field(default_factory=list)
    copies: dict[str, str] = field(default_factory=dict)  # merged copy's id -> the kept entry's

    def story_articles(self, story: Story) -> list[Article]:
        return [self.articles[i] for i in story.article_ids]
