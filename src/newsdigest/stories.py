"""Stories: clusters of similar articles become stories, the editor's overrides are
applied, and stories keep the slugs the registry remembers; top stories first.

A story is made once from its articles (``new_story``): its slug comes from its
oldest article, its title from the input where one gives it. Later changes (the
editor's merges and splits, the registry's slugs, summaries, topics) are
``dataclasses.replace`` of that value.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from .cache import CacheConfig, decode, encode, group_key, open_store, through_cache, usage
from .executor import Executor
from .group import (
    BRIDGE_COSINE,
    Grouping,
    GroupSettings,
    Split,
    article_names,
    group_with_reasons,
)
from .model import Article, CacheUse, Document, Problem, SentenceRef, Story
from .overrides import Overrides, apply_overrides
from .permalinks import Registry, stable_slugs
from .settings import Settings
from .slugs import make_slug
from .summarise import Length, StoryResult, story_summary_and_exclusives


def date_key(article: Article) -> tuple[bool, datetime, str]:
    """Oldest first; undated articles after dated ones; the id keeps the order total."""
    return (article.date is None, article.date or datetime.min, article.id)


def new_story(members: Sequence[Document], taken: set[str]) -> Story:
    """A story of these documents: articles oldest first, a title given by the input before
    one derived from the text (the most representative of the articles' derived ones); the
    slug from the oldest article, as before (the registry keeps it once published)."""
    documents = sorted(members, key=lambda d: date_key(d.article))
    articles = [d.article for d in documents]
    first = articles[0]
    titled = next((a for a in articles if a.title and not a.title_derived), None)
    if titled is None:
        titled = representative(documents)
    title = titled.title or first.id
    return Story(
        slug=make_slug(first.title or first.id, taken),
        title=title,
        article_ids=tuple(a.id for a in articles),
        title_derived=titled.title_derived or not titled.title,
    )


# How much of each other article a derived title is compared with: its lead.
LEAD_SENTENCES = 5
_WORD = re.compile(r"[^\W\d_]{4,}")


def representative(documents: Sequence[Document]) -> Article:
    """The article whose derived title shares most words with the other articles' leads
    (the oldest on a tie): the headline that says what the story's coverage says."""
    leads = [set(_WORD.findall(" ".join(d.sentences[:LEAD_SENTENCES]).lower())) for d in documents]
    best, best_score = documents[0].article, -1.0
    for i, document in enumerate(documents):
        title = document.article.title
        if not title:
            continue
        words = set(_WORD.findall(title.lower()))
        score = sum(
            len(words & lead) / max(len(words), 1) for j, lead in enumerate(leads) if j != i
        )
        if score > best_score:
            best, best_score = document.article, score
    return best


# A story whose articles' mean pairwise cosine is under this is loose: held together by
# a few strong pairs rather than one shared event. It is listed after the cohesive ones.
LOOSE_COHESION = 0.24


def story_rank(
    story: Story, articles: dict[str, Article], cohesion: float = 1.0
) -> tuple[int, int, bool, float, float, str]:
    """Home page order: cohesive stories of several articles (or outlets) first, loose
    ones next, single articles last; within each, most distinct outlets, then newest,
    then most cohesive (``cohesion``: the mean pairwise cosine of the story's articles;
    1.0 when unknown, as for a story the editor made). The slug breaks ties.

    Article count is not a key: the biggest story is the likeliest to be over-merged, and
    input without outlets or dates (Multi-News) would list it first.
    """
    members = [articles[i] for i in story.article_ids]
    outlets = {a.source for a in members if a.source} | {o for a in members for o in a.also_in}
    newest = max((a.date for a in members if a.date), default=None)
    single = len(members) < 2 and len(outlets) < 2
    tier = 2 if single else 1 if cohesion < LOOSE_COHESION else 0
    return (
        tier,
        -max(len(outlets), 1),
        newest is None,
        -(newest.timestamp() if newest else 0),
        -round(cohesion, 6),
        story.slug,
    )


def rank_stories(
    stories: Sequence[Story],
    articles: dict[str, Article],
    cohesion: dict[frozenset[str], float] | None = None,
) -> list[Story]:
    """``cohesion``: by a story's set of article ids (stories not in it count as cohesive)."""
    known = cohesion or {}
    return sorted(
        stories,
        key=lambda s: story_rank(s, articles, known.get(frozenset(s.article_ids), 1.0)),
    )


@dataclass
class FoundStories:
    stories: list[Story]  # top stories first
    redirects: dict[str, str]  # old slug -> the slug that now holds its articles
    reasons: dict[str, list[str]]  # slug -> why these articles are together (for explain)
    registry: Registry | None  # the updated registry, when one was given


def find_stories(
    documents: Sequence[Document],
    names: Sequence[Sequence[str]] | None = None,
    overrides: Overrides | None = None,
    registry: Registry | None = None,
    problems: list[Problem] | None = None,
    settings: GroupSettings = GroupSettings(),
) -> FoundStories:
    """The story stage: grouping, slugs, the editor's overrides and the registry's stable slugs.

    ``names``: each document's names and numbers, when the per-article stage made them.
    Warnings about overrides that match nothing go to ``problems``.
    """
    grouping = group_with_reasons(documents, settings, names)
    # Slugs are handed out oldest story first, so a story's URL does not depend on
    # which newer stories happen to share its title words.
    ordered = sorted(
        grouping.clusters, key=lambda c: min(date_key(documents[i].article) for i in c)
    )
    taken: set[str] = set()
    stories = [new_story([documents[i] for i in cluster], taken) for cluster in ordered]
    articles = {d.id: d.article for d in documents}
    by_id = {d.id: d for d in documents}
    cohesion = {
        frozenset(documents[i].id for i in cluster): value
        for cluster, value in zip(grouping.clusters, grouping.cohesion)
    }
    applied = apply_overrides(
        rank_stories(stories, articles, cohesion),
        overrides,
        new_story=lambda ids: new_story([by_id[i] for i in ids], taken),
        remake=lambda story, ids: replace(
            story, article_ids=tuple(sorted(ids, key=lambda i: date_key(articles[i])))
        ),
    )
    if problems is not None:
        problems.extend(w.to_problem() for w in applied.warnings)
    stories, redirects, notes = applied.stories, dict(applied.redirects), applied.notes
    if registry is not None:
        before = stories
        stories, kept, registry = stable_slugs(stories, registry)
        renamed = {old.slug: new.slug for old, new in zip(before, stories)}
        redirects = {old: renamed.get(new, new) for old, new in redirects.items()}
        redirects.update(kept)
        registry = Registry(registry.stories, {**registry.redirects, **redirects})
        notes = {renamed.get(k, k): v for k, v in notes.items()}
    stories = rank_stories(stories, articles, cohesion)
    return FoundStories(
        stories, redirects, story_reasons(stories, documents, grouping, notes, names), registry
    )


def story_reasons(
    stories: Sequence[Story],
    documents: Sequence[Document],
    grouping: Grouping,
    notes: dict[str, list[str]],
    names: Sequence[Sequence[str]] | None = None,
) -> dict[str, list[str]]:
    """For each story, the similarity joins that made it and the editor's changes (for explain)."""
    home = {a: s.slug for s in stories for a in s.article_ids}
    reasons: dict[str, list[str]] = {s.slug: [] for s in stories}
    for join in grouping.joins:
        i, j = join.pair
        a, b = documents[i].article, documents[j].article
        slug = home.get(a.id)
        if slug is None or home.get(b.id) != slug:
            continue
        names_i = names[i] if names is not None else article_names(documents[i])
        names_j = names[j] if names is not None else article_names(documents[j])
        shared = sorted(set(names_i) & set(names_j))
        reasons[slug].append(
            f"{len(join.left)} + {len(join.right)} article(s) joined: '{a.id}' ~ '{b.id}' cosine "
            f"{join.cosine:.2f}; mean relative similarity {join.mean:.2f} over all pairs"
            + (f"; shared names/numbers: {', '.join(shared[:8])}" if shared else "")
        )
    for split in grouping.splits:
        line = _split_line(split, documents)
        for slug in dict.fromkeys(home.get(documents[i].id) for part in split.parts for i in part):
            if slug in reasons:
                reasons[slug].append(line)
    for slug, lines in notes.items():
        if slug in reasons:
            reasons[slug].extend(lines)
    return reasons


def _split_line(split: Split, documents: Sequence[Document]) -> str:
    if split.kind == "misfit":
        (one,) = split.parts[1]
        return (
            f"split: '{documents[one].id}' taken out of {len(split.parts[0]) + 1} article(s): "
            f"its cosine to the rest of the story is {split.score:.3f}, under the floor "
            f"{split.limit}"
        )
    first, second = split.parts
    return (
        f"split: {len(first)} + {len(second)} article(s) cut apart "
        f"('{documents[first[0]].id}' / '{documents[second[0]].id}'): their mean cosine "
        f"across is {split.score:.3f} of the mean inside the parts (< {split.limit}), and "
        f"the closest pair across is {split.bridge:.3f} (< {BRIDGE_COSINE})"
    )


# Candidates for what each outlet adds beyond the number shown.
EXCLUSIVE_SPARE = 4


def summarise_stories(
    stories: Sequence[Story],
    documents: dict[str, Document],
    scores: dict[str, Sequence[float]],
    settings: Settings,
    executor: Executor = Executor(),
    cache: CacheConfig | None = None,
) -> tuple[list[Story], dict[str, tuple[SentenceRef, ...]], list[CacheUse]]:
    """Each story with its summary; what each outlet adds (article id -> sentences only it
    reports); how the story cache was used.

    Both depend only on the story's articles, so they are cached per story (keyed by
    its articles' content and the settings) and made on the executor's workers.
    ``scores[id]``: the default ranker's scores of each article's sentences.
    """
    function = story_summary_and_exclusives
    name = f"{function.__module__}.{function.__qualname__}"
    # More candidates for what each outlet adds than a page shows: the page passes over
    # those its summary already quotes (sections.story_sections).
    spare = settings.exclusive_sentences + EXCLUSIVE_SPARE if settings.exclusive_sentences else 0
    arguments = (Length(sentences=settings.story_summary_sentences), spare)
    groups = [[documents[i] for i in s.article_ids] for s in stories]
    store = open_store(cache, "stories")

    def compute(indices: list[int]) -> list[StoryResult]:
        return executor.map(
            function, [(groups[i], [scores[d.id] for d in groups[i]]) for i in indices], *arguments
        )

    try:
        results = through_cache(
            store,
            lambda: [group_key(name, [d.article for d in g], arguments) for g in groups],
            compute,
            len(groups),
            lambda value: encode([value]),
            lambda payload, i: decode(payload)[0],
        )
    finally:
        if store:
            store.close()
    exclusives: dict[str, tuple[SentenceRef, ...]] = {}
    for _, found in results:
        exclusives.update(found)
    summarised = [replace(story, summary=summary) for story, (summary, _) in zip(stories, results)]
    return summarised, exclusives, usage(name, store)
