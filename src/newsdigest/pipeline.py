"""The pipeline end to end: ingest -> clean -> sentences -> summarise -> group -> topics.

``build_digest`` returns a ``Digest`` (plain data, no I/O past reading the input);
``newsdigest.render`` writes it out as Markdown. The CLI is a thin layer over both.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from slugify import slugify

from .group import GroupSettings, group_documents
from .ingest import ingest
from .model import Article, Document, Problem, SentenceRef, Story, Summary
from .settings import Settings
from .summarise import Length, exclusive_sentences, summarise_story
from .topics import StoryFacts, Topic, automatic_topics, load_topics, topic_matches
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
        documents.append(Document(cleaned, sentences))
    return documents


def _date_key(article: Article) -> tuple:
    # Undated articles sort after dated ones; the id keeps the order total.
    return (article.date is None, article.date or datetime.min, article.id)


def make_slug(title: str, taken: set[str]) -> str:
    base = slugify(title, max_length=SLUG_MAX_CHARS, word_boundary=True) or "story"
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    taken.add(slug)
    return slug


def make_stories(documents: Sequence[Document], clusters: Sequence[Sequence[int]],
                 settings: Settings) -> list[Story]:
    """Stories from clusters of documents, with story summaries, top stories first."""
    stories = []
    taken: set[str] = set()
    # Slugs are handed out oldest story first, so a story's URL does not depend on
    # which newer stories happen to share its title words.
    ordered = sorted(clusters, key=lambda c: min(_date_key(documents[i].article) for i in c))
    for cluster in ordered:
        members = sorted((documents[i] for i in cluster), key=lambda d: _date_key(d.article))
        first = members[0].article
        # A title given by the input beats one derived from a first sentence.
        titled = next((d.article for d in members if d.article.title and not d.article.title_derived), first)
        title = titled.title or first.id
        summary = summarise_story(members, Length(sentences=settings.story_summary_sentences))
        stories.append(Story(slug=make_slug(first.title or first.id, taken), title=title,
                             article_ids=tuple(d.id for d in members), summary=summary))
    return sorted(stories, key=lambda s: _story_rank(s, documents))


def _story_rank(story: Story, documents: Sequence[Document]) -> tuple:
    by_id = {d.id: d.article for d in documents}
    articles = [by_id[i] for i in story.article_ids]
    outlets = {a.source for a in articles if a.source}
    newest = max((a.date for a in articles if a.date), default=None)
    return (-max(len(outlets), 1), -len(articles), newest is None,
            -(newest.timestamp() if newest else 0), story.slug)


def story_facts(story: Story, documents: dict[str, Document]) -> StoryFacts:
    articles = [documents[i].article for i in story.article_ids]
    text = "\n".join(part for a in articles for part in (a.title or "", a.text))
    return StoryFacts(slug=story.slug, text=text,
                      outlets=frozenset(a.source for a in articles if a.source),
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


def build_digest(inputs: Sequence[Path], settings: Settings = Settings(), topics_dir: Path | None = None,
                 progress: Progress = lambda message: None, work: ArticleWork | None = None) -> Digest:
    """Run every stage on the input folders and return the digest as plain data.

    Raises ``ConfigInvalid`` when the topic files are wrong: an editor's mistake
    must stop the build with a clear message, not publish a site without the topic.
    """
    editor_topics = load_topics(topics_dir) if topics_dir else []
    progress("ingest: reading input")
    read = ingest(inputs)
    problems = list(read.problems)
    progress(f"clean: {len(read.articles)} articles")
    work = work or ArticleWork()
    work.summary_sentences = settings.summary_sentences
    documents = prepare_documents(read.articles, problems, work)
    progress(f"summarise: {len(documents)} articles")
    length = Length(sentences=settings.summary_sentences)
    summaries = {d.id: work.summary_for(d, length) for d in documents}
    progress("group: finding stories")
    clusters = group_documents(documents, GroupSettings())
    stories = make_stories(documents, clusters, settings)
    by_id = {d.id: d for d in documents}
    progress(f"topics: {len(stories)} stories")
    stories, topics, topic_stories = assign_topics(stories, by_id, editor_topics)
    exclusives: dict[str, tuple[SentenceRef, ...]] = {}
    for found in work.per_story(exclusive_sentences, [[by_id[i] for i in s.article_ids] for s in stories],
                                settings.exclusive_sentences):
        exclusives.update(found)
    return Digest(articles={d.id: d.article for d in documents}, documents=by_id, summaries=summaries,
                  stories=stories, topics=topics, topic_stories=topic_stories, exclusives=exclusives,
                  problems=problems, files_read=read.files_read)
