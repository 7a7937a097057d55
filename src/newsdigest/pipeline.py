"""The pipeline end to end: ingest -> clean -> sentences -> summarise -> group -> topics.

``build_digest`` returns a ``Digest`` (plain data, no I/O past reading the input);
``newsdigest.render`` writes it out as Markdown. The CLI is a thin layer over both.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from slugify import slugify

from .configfile import ConfigError
from .dedupe import collapse_duplicates
from .group import GroupSettings, Grouping, document_names, group_with_reasons
from .ingest import ingest
from .model import Article, Document, Problem, SentenceRef, Story, Summary
from .overrides import Overrides, apply_overrides, load_overrides
from .registry import Registry, stable_slugs
from .settings import Settings
from .summarise import Length, story_summary_and_exclusives, summarise_story
from .topics import (StoryFacts, Topic, automatic_topics, load_topics, topic_matches,
                     unmatched_rule_warnings)
from .workers import ArticleWork

Progress = Callable[[str], None]

# Story slugs are cut to this many characters at a word boundary: readable URLs,
# and far below any file system's name limit.
SLUG_MAX_CHARS = 60


@dataclass
class Digest:
    articles: dict[str, Article]
    documents: dict[str, Document]
    summaries: dict[str, Summary]
    stories: list[Story]  # top stories first
    topics: list[Topic]  # editor topics by order, then automatic topics
    topic_stories: dict[str, list[str]]  # topic slug -> story slugs, pinned first
    exclusives: dict[str, tuple[SentenceRef, ...]]  # article id -> sentences only it reports
    problems: list[Problem] = field(default_factory=list)
    files_read: int = 0
    redirects: dict[str, str] = field(default_factory=dict)  # old story slug -> current slug
    story_reasons: dict[str, list[str]] = field(default_factory=dict)  # slug -> why these articles
    registry: Registry | None = None  # the updated story registry, when one was given

    def story_articles(self, story: Story) -> list[Article]:
        return [self.articles[i] for i in story.article_ids]


def prepare_documents(articles: Sequence[Article], problems: list[Problem],
                      work: ArticleWork | None = None) -> list[Document]:
    """Clean and split each article; an article with nothing left is reported, not kept.

    ``work`` says how (processes, Dask, cache) and keeps each article's summary for
    ``build_digest``; by default everything runs here, uncached.
    """
    documents = []
    for article, prepared in zip(articles, (work or ArticleWork()).prepare(articles)):
        cleaned, sentences = prepared.article, prepared.sentences
        if not sentences:
            problems.append(Problem(article.origin, "no text left after removing boilerplate"))
            continue
        documents.append(Document(cleaned, sentences, prepared.scores, prepared.names, prepared.shingles))
    return documents


def _date_key(article: Article) -> tuple:
    # Undated articles sort after dated ones; the id keeps the order total.
    return (article.date is None, article.date or datetime.min, article.id)


# Slugs become file names: never one that a file system or the site reserves
# (Windows device names, the section index pages).
RESERVED_SLUGS = frozenset({"con", "prn", "aux", "nul", "index", "search", "assets", "sitemap",
                            *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))})


def make_slug(title: str, taken: set[str]) -> str:
    """A URL- and file-safe slug: [a-z0-9-] only, so no '..', '/' or absolute path survives."""
    base = slugify(title, max_length=SLUG_MAX_CHARS, word_boundary=True) or "story"
    if base in RESERVED_SLUGS:
        base = f"{base}-story"
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    taken.add(slug)
    return slug


def _make_story(members: Sequence[Document], settings: Settings, taken: set[str],
                slug: str | None = None, title: str | None = None, summarise: bool = True) -> Story:
    members = sorted(members, key=lambda d: _date_key(d.article))
    first = members[0].article
    # A title given by the input beats one derived from a first sentence.
    titled = next((d.article for d in members if d.article.title and not d.article.title_derived), first)
    summary = (summarise_story(members, Length(sentences=settings.story_summary_sentences)) if summarise
               else Summary(()))
    return Story(slug=slug or make_slug(first.title or first.id, taken), title=title or titled.title or first.id,
                 article_ids=tuple(d.id for d in members), summary=summary)


def make_stories(documents: Sequence[Document], clusters: Sequence[Sequence[int]],
                 settings: Settings, summarise: bool = True) -> list[Story]:
    """Stories from clusters of documents, with story summaries, top stories first.

    A story's slug comes from its oldest article: articles that join later leave
    the URL as it was.
    """
    taken: set[str] = set()
    # Slugs are handed out oldest story first, so a story's URL does not depend on
    # which newer stories happen to share its title words.
    ordered = sorted(clusters, key=lambda c: min(_date_key(documents[i].article) for i in c))
    stories = [_make_story([documents[i] for i in cluster], settings, taken, summarise=summarise)
               for cluster in ordered]
    by_id = {d.id: d.article for d in documents}
    return sorted(stories, key=lambda s: _story_rank(s, by_id))


def config_warning(warning: ConfigError) -> Problem:
    """An editor-file warning as a build problem: file:line first, like every other message."""
    origin = f"{warning.path}:{warning.line}" if warning.line else warning.path
    return Problem(origin, f"{warning.key}: {warning.message}" if warning.key else warning.message, "warning")


def edit_stories(stories: list[Story], documents: Sequence[Document], settings: Settings,
                 overrides: Overrides | None, registry: Registry | None, problems: list[Problem],
                 summarise: bool = True) -> tuple[list[Story], dict[str, str], dict[str, list[str]], Registry | None]:
    """Apply the editor's overrides and the registry's stable slugs; return
    (stories, redirects, notes per story, updated registry)."""
    by_id = {d.id: d for d in documents}
    taken = {s.slug for s in stories}
    applied = apply_overrides(
        stories, overrides,
        new_story=lambda ids: _make_story([by_id[i] for i in ids], settings, taken, summarise=summarise),
        remake=lambda story, ids: _make_story([by_id[i] for i in ids], settings, taken, slug=story.slug,
                                              title=story.title, summarise=summarise))
    problems.extend(config_warning(w) for w in applied.warnings)
    stories, redirects = applied.stories, dict(applied.redirects)
    updated = None
    if registry is not None:
        before = stories
        stories, kept, updated = stable_slugs(stories, registry)
        renamed = {old.slug: new.slug for old, new in zip(before, stories)}
        redirects = {old: renamed.get(new, new) for old, new in redirects.items()}
        redirects.update(kept)
        updated = Registry(updated.stories, {**updated.redirects, **redirects})
        notes = {renamed.get(k, k): v for k, v in applied.notes.items()}
    else:
        notes = applied.notes
    articles = {d.id: d.article for d in documents}
    return sorted(stories, key=lambda s: _story_rank(s, articles)), redirects, notes, updated


def story_reasons(stories: Sequence[Story], documents: Sequence[Document], grouping: Grouping,
                  notes: dict[str, list[str]]) -> dict[str, list[str]]:
    """For each story, the similarity joins that made it and the editor's changes (for explain)."""
    home = {a: s.slug for s in stories for a in s.article_ids}
    reasons: dict[str, list[str]] = {s.slug: [] for s in stories}
    for join in grouping.joins:
        i, j = join.pair
        a, b = documents[i].article, documents[j].article
        slug = home.get(a.id)
        if slug is None or home.get(b.id) != slug:
            continue
        shared = sorted(set(document_names(documents[i])) & set(document_names(documents[j])))
        reasons[slug].append(
            f"{len(join.left)} + {len(join.right)} article(s) joined: '{a.id}' ~ '{b.id}' cosine "
            f"{join.cosine:.2f}; mean relative similarity {join.mean:.2f} over all pairs"
            + (f"; shared names/numbers: {', '.join(shared[:8])}" if shared else ""))
    for slug, lines in notes.items():
        if slug in reasons:
            reasons[slug].extend(lines)
    return reasons


def _story_rank(story: Story, by_id: dict[str, Article]) -> tuple:
    articles = [by_id[i] for i in story.article_ids]
    outlets = {a.source for a in articles if a.source} | {o for a in articles for o in a.also_in}
    newest = max((a.date for a in articles if a.date), default=None)
    return (-max(len(outlets), 1), -len(articles), newest is None,
            -(newest.timestamp() if newest else 0), story.slug)


def story_facts(story: Story, documents: dict[str, Document]) -> StoryFacts:
    articles = [documents[i].article for i in story.article_ids]
    text = "\n".join(part for a in articles for part in (a.title or "", a.text))
    return StoryFacts(slug=story.slug, text=text,
                      outlets=frozenset({a.source for a in articles if a.source}
                                        | {o for a in articles for o in a.also_in}),
                      dates=tuple(a.date.date() for a in articles if a.date))


def assign_topics(stories: list[Story], documents: dict[str, Document], editor_topics: list[Topic]
                  ) -> tuple[list[Story], list[Topic], dict[str, list[str]]]:
    """Put each story under every editor topic whose rules match; the rest under automatic topics."""
    members: dict[str, list[str]] = {t.slug: [] for t in editor_topics}
    story_topics: dict[str, list[str]] = {s.slug: [] for s in stories}
    for story in stories:
        facts = story_facts(story, documents)
        for topic in editor_topics:
            if story.slug in topic.pinned or (topic.spec and topic_matches(topic.spec, facts)):
                members[topic.slug].append(story.slug)
                story_topics[story.slug].append(topic.slug)
    for topic in editor_topics:  # pinned stories first, in the editor's order
        pinned = [s for s in topic.pinned if s in members[topic.slug]]
        members[topic.slug] = pinned + [s for s in members[topic.slug] if s not in pinned]

    topics = list(editor_topics)
    unclaimed = [s for s in stories if not story_topics[s.slug]]
    taken = {t.slug for t in topics}
    texts = [story_facts(s, documents).text for s in unclaimed]
    for terms, indices in automatic_topics(texts):
        name = ", ".join(t.capitalize() for t in terms) if terms else "Other news"
        slug = make_slug("-".join(terms) if terms else "other-news", taken)
        topics.append(Topic(slug=slug, name=name, description="", order=10_000, automatic=True,
                            source="automatic"))
        members[slug] = [unclaimed[i].slug for i in indices]
        for i in indices:
            story_topics[unclaimed[i].slug].append(slug)
    stories = [Story(slug=s.slug, title=s.title, article_ids=s.article_ids, summary=s.summary,
                     topics=tuple(story_topics[s.slug]), terms=s.terms) for s in stories]
    return stories, topics, members


def without_takedowns(documents: Sequence[Document], overrides: Overrides | None) -> list[Document]:
    """Taken down before anything is computed from it: no page, summary or feed entry."""
    gone = set(overrides.spec.takedown) if overrides else set()
    return [d for d in documents if d.id not in gone]


@dataclass
class FoundStories:
    stories: list[Story]
    redirects: dict[str, str]
    reasons: dict[str, list[str]]
    registry: Registry | None


def find_stories(documents: Sequence[Document], settings: Settings, overrides: Overrides | None = None,
                 registry: Registry | None = None, problems: list[Problem] | None = None,
                 summarise: bool = True) -> FoundStories:
    """The story stage: grouping, slugs, the editor's overrides and the registry's stable slugs.

    ``summarise=False`` skips the story summaries (for ``newsdigest group``, which only
    prints which story each article is in).
    """
    problems = [] if problems is None else problems
    grouping = group_with_reasons(documents, GroupSettings())
    stories = make_stories(documents, grouping.clusters, settings, summarise)
    stories, redirects, notes, registry = edit_stories(stories, documents, settings, overrides, registry,
                                                       problems, summarise)
    return FoundStories(stories, redirects, story_reasons(stories, documents, grouping, notes), registry)


def build_digest(inputs: Sequence[Path], settings: Settings = Settings(), topics_dir: Path | None = None,
                 progress: Progress = lambda message: None, registry: Registry | None = None,
                 work: ArticleWork | None = None) -> Digest:
    """Run every stage on the input folders and return the digest as plain data.

    Raises ``ConfigInvalid`` when the topic files are wrong: an editor's mistake
    must stop the build with a clear message, not publish a site without the topic.
    With a ``registry`` (see ``newsdigest.registry``), stories keep their earlier
    slugs and ``Digest.registry`` is the updated one to save.
    """
    editor_topics = load_topics(topics_dir) if topics_dir else []
    overrides = load_overrides(topics_dir) if topics_dir else None
    progress("ingest: reading input")
    read = ingest(inputs)
    problems = list(read.problems)
    progress(f"clean: {len(read.articles)} articles")
    work = work or ArticleWork()
    work.summary_sentences = settings.summary_sentences
    # Taken-down articles go first, so that they name no outlet of a copy either. Syndicated
    # copies become one entry listing every outlet (the digest only: a per-article command
    # such as `summarize` still sees every article).
    documents = without_takedowns(prepare_documents(read.articles, problems, work), overrides)
    progress(f"copies: {len(documents)} articles")
    documents = collapse_duplicates(documents, problems)
    progress(f"summarise: {len(documents)} articles")
    length = Length(sentences=settings.summary_sentences)
    summaries = {d.id: work.summary_for(d, length) for d in documents}
    progress("group: finding stories")
    # Stories are found without summaries, which are then made once for the final
    # stories (after the editor's merges and splits), cached and on the workers: they
    # depend only on their articles, so a rebuild redoes only the stories that changed.
    found = find_stories(documents, settings, overrides, registry, problems, summarise=False)
    stories, redirects, reasons, registry = found.stories, found.redirects, found.reasons, found.registry
    by_id = {d.id: d for d in documents}
    progress(f"stories: summaries and exclusives of {len(stories)} stories")
    story_results = work.per_story(story_summary_and_exclusives, [[by_id[i] for i in s.article_ids] for s in stories],
                                   Length(sentences=settings.story_summary_sentences), settings.exclusive_sentences)
    stories = [replace(story, summary=summary) for story, (summary, _) in zip(stories, story_results)]
    exclusives: dict[str, tuple[SentenceRef, ...]] = {}
    for _, found_exclusives in story_results:
        exclusives.update(found_exclusives)
    progress(f"topics: {len(stories)} stories")
    stories, topics, topic_stories = assign_topics(stories, by_id, editor_topics)
    for warning in unmatched_rule_warnings(editor_topics, [story_facts(s, by_id) for s in stories],
                                           keywords=False):
        problems.append(config_warning(warning))
    return Digest(articles={d.id: d.article for d in documents}, documents=by_id, summaries=summaries,
                  stories=stories, topics=topics, topic_stories=topic_stories, exclusives=exclusives,
                  problems=problems, files_read=read.files_read, redirects=redirects,
                  story_reasons=reasons, registry=registry)
