"""The pipeline end to end, as plain data: ``build_digest`` reads the input and returns a
``Digest``; ``newsdigest.render`` writes it out. Every command that reads articles
(build, check, group, explain, summarize, eval) goes through the same stages; those that
show stories (build, group, explain, eval stories) through one function, ``read_stories``.

    ingest -> prepare (clean, sentences, article summaries, features) -> takedowns
    -> copies -> stories (group, overrides, registry) -> story summaries -> topics
    -> published stories -> highlights
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from .cache import CacheConfig
from .dates import digest_date, local_day, localise, within
from .dedupe import merge_copies
from .editor_topics import StoryFacts, load_topics_and_warnings, unmatched_topic_warnings
from .executor import Executor
from .highlights import story_highlights
from .ingest import IngestResult, ingest
from .model import Article, Digest, Document, Problem, Story
from .overrides import Overrides, load_overrides, without_takedowns
from .permalinks import Registry, load_registry
from .prepare import BATCH, PerArticle, prepare_articles
from .settings import Settings, load_settings
from .stories import FoundStories, find_stories, summarise_stories
from .summarise import Length
from .topics import assign_topics, story_facts

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Options:
    """How a build runs (not what it makes): where, and with which caches."""

    executor: Executor = Executor()
    cache: CacheConfig | None = None
    registry: Registry | None = None  # stories keep these slugs; Digest.registry is the updated one
    batch: int = BATCH  # articles per task of the per-article stage


@dataclass(frozen=True)
class StoryInput:
    """The input read, prepared and grouped: what ``read_stories`` returns."""

    read: IngestResult
    per_article: PerArticle
    documents: list[Document]  # what the stories are made of: no takedowns, copies merged
    found: FoundStories
    copies: dict[str, str]  # merged copy's id -> the id of the entry it joined
    problems: list[Problem]
    overrides: Overrides | None
    seconds: float  # the story stage's own time (copies, grouping, overrides, registry)

    def story_of(self) -> dict[str, str]:
        """Article id -> its story's slug, for every article with text left (copies too)."""
        slugs = {a: s.slug for s in self.found.stories for a in s.article_ids}
        for copy, kept in self.copies.items():
            slugs[copy] = slugs[kept]
        return slugs


@dataclass(frozen=True)
class StorySources:
    """What the story stage reads beside the input: the build's settings, topics folder
    (the editor's overrides) and registry."""

    settings: Settings
    topics_dir: Path
    registry: Registry | None


def story_sources(
    settings_file: Path | None, topics_dir: Path | None, registry_file: Path | None
) -> StorySources:
    """The settings file (defaults when absent), the topics folder (default: the settings'
    ``topics_dir``) and the registry when one is named, as ``newsdigest build`` reads them."""
    settings = load_settings(settings_file)
    registry = load_registry(registry_file) if registry_file else None
    return StorySources(settings, topics_dir or Path(settings.topics_dir), registry)


def read_stories(
    inputs: Sequence[Path],
    settings: Settings = Settings(),
    topics_dir: Path | None = None,
    progress: Progress = lambda message: None,
    options: Options = Options(),
    keep: Callable[[Article], bool] | None = None,
    summaries: bool = False,
) -> StoryInput:
    """The one story stage: every command that shows stories (build, group, explain, eval
    stories) comes through here, so they all see the same stories.

    Reads the input, runs the per-article stage, then: takedowns, dates in the settings'
    zone, syndicated copies merged, grouping, the editor's overrides (``topics_dir``) and
    the registry's stable slugs (``options.registry``). ``keep``: only these articles
    (evaluation's flagged rows). ``summaries``: also each article's summary (build).
    """
    overrides = load_overrides(topics_dir) if topics_dir else None
    progress("ingest: reading input")
    read = ingest(inputs)
    articles = [a for a in read.articles if keep(a)] if keep else read.articles
    progress(f"clean: {len(articles)} articles")
    per_article = prepare_articles(
        articles,
        Length(sentences=settings.summary_sentences) if summaries else None,
        options.executor,
        options.cache,
        options.batch,
    )
    problems = read.problems + per_article.problems
    features = per_article.features
    started = time.perf_counter()
    # Taken-down articles go first, so that they name no outlet of a copy either. Syndicated
    # copies become one entry listing every outlet.
    zone = ZoneInfo(settings.timezone)
    documents = _localised(without_takedowns(per_article.documents, overrides), zone)
    progress(f"copies: {len(documents)} articles")
    documents, copies = merge_copies(
        documents, problems, [features[d.id].shingles for d in documents]
    )
    progress(f"group: finding stories in {len(documents)} articles")
    found = find_stories(
        documents, [features[d.id].names for d in documents], overrides, options.registry, problems
    )
    seconds = time.perf_counter() - started
    return StoryInput(read, per_article, documents, found, copies, problems, overrides, seconds)


def build_digest(
    inputs: Sequence[Path],
    settings: Settings = Settings(),
    topics_dir: Path | None = None,
    progress: Progress = lambda message: None,
    options: Options = Options(),
) -> Digest:
    """Run every stage on the input folders (or files) and return the digest.

    Raises ``ConfigInvalid`` when the topic files are wrong: an editor's mistake must
    stop the build with a clear message, not publish a site without the topic.
    """
    editor_topics, topic_warnings = load_topics_and_warnings(topics_dir) if topics_dir else ([], [])
    staged = read_stories(inputs, settings, topics_dir, progress, options, summaries=True)
    documents, found = staged.documents, staged.found
    problems = [w.to_problem() for w in topic_warnings] + staged.problems
    features = staged.per_article.features
    by_id = {d.id: d for d in documents}
    progress(f"stories: summaries and exclusives of {len(found.stories)} stories")
    stories, exclusives, story_caches = summarise_stories(
        found.stories,
        by_id,
        {i: f.scores for i, f in features.items()},
        settings,
        options.executor,
        options.cache,
    )
    progress(f"topics: {len(stories)} stories")
    facts = [story_facts(s, by_id) for s in stories]
    assigned = assign_topics(
        stories, facts, editor_topics, settings.topic_keyword_share, options.registry
    )
    registry = found.registry
    if registry is not None:
        registry = replace(
            registry,
            topics=assigned.registry_topics,
            topic_redirects=assigned.redirects,
            topic_groups=tuple(assigned.groups),
        )
    problems += [w.to_problem() for w in unmatched_topic_warnings(editor_topics, assigned.matched)]
    articles = {d.id: d.article for d in documents}
    date = digest_date(articles.values())
    published = _published(assigned.stories, facts, articles, date, settings)
    highlights = story_highlights(
        [s for s, _ in published],
        [f.text for _, f in published],
        by_id,
        {i: f.scores for i, f in features.items()},
        exclusives,
        settings,
        options.executor,
    )
    return Digest(
        articles=articles,
        documents=by_id,
        summaries={i: f.summary for i, f in features.items() if i in by_id},
        stories=assigned.stories,
        published=[s for s, _ in published],
        topics=assigned.topics,
        topic_stories=assigned.members,
        exclusives=exclusives,
        highlights=highlights,
        date=date,
        problems=problems,
        files_read=staged.read.files_read,
        redirects=found.redirects,
        story_reasons=found.reasons,
        registry=registry,
        topic_redirects=assigned.redirects,
        caches=staged.per_article.caches + story_caches,
        copies=staged.copies,
    )


def _localised(documents: list[Document], zone: ZoneInfo) -> list[Document]:
    """Articles dated by a day alone, dated at the start of that day in the site's zone."""
    return [
        replace(d, article=localise(d.article, zone)) if d.article.date_only else d
        for d in documents
    ]


def _published(
    stories: list[Story],
    facts: list[StoryFacts],
    articles: dict[str, Article],
    date: datetime | None,
    settings: Settings,
) -> list[tuple[Story, StoryFacts]]:
    """The stories the site shows (coverage in the last ``retention_days``), with their facts."""
    zone = ZoneInfo(settings.timezone)
    today = local_day(date, zone) if date else None
    return [
        (story, fact)
        for story, fact in zip(stories, facts)
        if within([articles[i] for i in story.article_ids], today, settings.retention_days, zone)
    ]
