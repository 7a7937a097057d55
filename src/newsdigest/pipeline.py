"""The pipeline end to end, as plain data: ``build_digest`` reads the input and returns a
``Digest``; ``newsdigest.render`` writes it out. Every command that reads articles
(build, check, group, explain, summarize, eval) goes through the same stages.

    ingest -> prepare (clean, sentences, article summaries, features) -> takedowns
    -> copies -> stories (group, overrides, registry) -> story summaries -> topics
    -> published stories -> highlights
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from .cache import CacheConfig
from .dates import digest_date, local_day, localise, within
from .dedupe import collapse_duplicates
from .editor_topics import StoryFacts, load_topics_and_warnings, unmatched_topic_warnings
from .executor import Executor
from .highlights import story_highlights
from .ingest import ingest
from .model import Article, Digest, Document, Story
from .overrides import load_overrides, without_takedowns
from .permalinks import Registry
from .prepare import BATCH, prepare_articles
from .settings import Settings
from .stories import find_stories, summarise_stories
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
    overrides = load_overrides(topics_dir) if topics_dir else None
    progress("ingest: reading input")
    read = ingest(inputs)
    progress(f"clean: {len(read.articles)} articles")
    per_article = prepare_articles(
        read.articles,
        Length(sentences=settings.summary_sentences),
        options.executor,
        options.cache,
        options.batch,
    )
    problems = [w.to_problem() for w in topic_warnings] + read.problems + per_article.problems
    features = per_article.features
    # Taken-down articles go first, so that they name no outlet of a copy either. Syndicated
    # copies become one entry listing every outlet.
    zone = ZoneInfo(settings.timezone)
    documents = _localised(without_takedowns(per_article.documents, overrides), zone)
    progress(f"copies: {len(documents)} articles")
    documents = collapse_duplicates(
        documents, problems, [features[d.id].shingles for d in documents]
    )
    progress(f"summarise: {len(documents)} articles")
    by_id = {d.id: d for d in documents}
    progress("group: finding stories")
    found = find_stories(
        documents, [features[d.id].names for d in documents], overrides, options.registry, problems
    )
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
        files_read=read.files_read,
        redirects=found.redirects,
        story_reasons=found.reasons,
        registry=registry,
        topic_redirects=assigned.redirects,
        caches=per_article.caches + story_caches,
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
