"""The topics stage: each story under every editor topic whose rules match it (see
``newsdigest.editor_topics``), the rest under automatic topics found by clustering
their words.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from .editor_topics import KEYWORD_SHARE, ArticleFacts, StoryFacts, Topic, topic_matches
from .model import Document, Story
from .permalinks import Registry, stable_topic_slugs, topic_redirects
from .slugs import make_slug


def story_facts(story: Story, documents: dict[str, Document]) -> StoryFacts:
    """What topic rules (and key terms) look at in a story: its articles' titles and
    texts, outlets and dates."""
    articles = [documents[i].article for i in story.article_ids]
    text = "\n".join(part for a in articles for part in (a.title or "", a.text))
    parts = tuple(
        ArticleFacts(
            a.id,
            "" if a.title_derived else a.title or "",
            " ".join(documents[a.id].sentences[:2]),
            f"{a.title or ''}\n{a.text}",
        )
        for a in articles
    )
    return StoryFacts(
        slug=story.slug,
        text=text,
        outlets=frozenset(
            {a.source for a in articles if a.source} | {o for a in articles for o in a.also_in}
        ),
        dates=tuple(a.date.date() for a in articles if a.date),
        articles=parts,
    )


@dataclass
class Assigned:
    stories: list[Story]  # as given, each with its topics
    topics: list[Topic]  # editor topics (in their order), then automatic topics
    members: dict[str, list[str]]  # topic slug -> story slugs, pinned first
    matched: dict[str, list[str]]  # editor topic slug -> the stories its rules matched
    # What the registry keeps: automatic topic slug -> its articles; old slug -> new ("": gone)
    registry_topics: dict[str, tuple[str, ...]] = field(default_factory=dict)
    redirects: dict[str, str] = field(default_factory=dict)


def assign_topics(
    stories: Sequence[Story],
    facts: Sequence[StoryFacts],
    editor_topics: Sequence[Topic],
    share: float = KEYWORD_SHARE,
    previous: Registry | None = None,
) -> Assigned:
    """Put each story under every editor topic whose rules match; the rest under automatic topics.

    ``facts[i]`` is ``story_facts(stories[i], ...)``; ``share``: see ``keyword_evidence``.
    ``previous``: the registry of the last build; automatic topics then start from its
    topics and keep their slugs (``permalinks.stable_topic_slugs``).
    """
    members, matched = _editor_members(stories, facts, editor_topics, share)
    story_topics: dict[str, list[str]] = {s.slug: [] for s in stories}
    for topic in editor_topics:
        for slug in members[topic.slug]:
            story_topics[slug].append(topic.slug)
    topics = list(editor_topics)
    unclaimed = [stories[i] for i, s in enumerate(stories) if not story_topics[s.slug]]
    automatic = _automatic(
        unclaimed,
        [facts[i] for i, s in enumerate(stories) if not story_topics[s.slug]],
        previous,
        {t.slug for t in topics},
    )
    for topic, held in automatic:
        topics.append(topic)
        members[topic.slug] = held
        for slug in held:
            story_topics[slug].append(topic.slug)
    articles_of = {s.slug: s.article_ids for s in stories}
    held_articles = {
        slug: frozenset(a for story in members[slug] for a in articles_of[story])
        for slug in members
    }
    return Assigned(
        [replace(s, topics=tuple(story_topics[s.slug])) for s in stories],
        topics,
        members,
        matched,
        {t.slug: tuple(sorted(held_articles[t.slug])) for t, _ in automatic},
        topic_redirects(previous, held_articles) if previous else {},
    )


def _automatic(
    stories: Sequence[Story],
    facts: Sequence[StoryFacts],
    previous: Registry | None,
    taken: set[str],
) -> list[tuple[Topic, list[str]]]:
    """The automatic topics of the stories no editor topic claims, with their story slugs;
    slugs kept from ``previous``."""
    found = automatic_topics(
        [f.text for f in facts], _previous_labels(stories, previous) if previous else None
    )
    groups = [
        (
            make_slug("-".join(terms) if terms else "other-news", set()),
            frozenset(a for i in indices for a in stories[i].article_ids),
        )
        for terms, indices in found
    ]
    slugs = stable_topic_slugs(groups, previous or Registry(), taken)
    return [
        (
            Topic(
                slug=slug,
                name=", ".join(t.capitalize() for t in terms) if terms else "Other news",
                description="",
                order=10_000,
                automatic=True,
                source="automatic",
            ),
            [stories[i].slug for i in indices],
        )
        for slug, (terms, indices) in zip(slugs, found)
    ]


def _previous_labels(stories: Sequence[Story], previous: Registry) -> list[int | None]:
    """Per story, the previous automatic topic that held most of its articles (a number
    per topic), or None."""
    numbers = {slug: n for n, slug in enumerate(sorted(previous.topics))}
    owner = {a: numbers[slug] for slug, ids in previous.topics.items() for a in ids}
    labels: list[int | None] = []
    for story in stories:
        counts = Counter(owner[a] for a in story.article_ids if a in owner)
        labels.append(min(counts, key=lambda n: (-counts[n], n)) if counts else None)
    return labels


def _editor_members(
    stories: Sequence[Story],
    facts: Sequence[StoryFacts],
    editor_topics: Sequence[Topic],
    share: float,
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(topic slug -> its stories, pinned first; topic slug -> the stories its rules matched)."""
    matched: dict[str, list[str]] = {t.slug: [] for t in editor_topics}
    members: dict[str, list[str]] = {t.slug: [] for t in editor_topics}
    for story, story_fact in zip(stories, facts):
        for topic in editor_topics:
            by_rule = topic.spec is not None and topic_matches(topic.spec, story_fact, share)
            if by_rule:
                matched[topic.slug].append(story.slug)
            if by_rule or story.slug in topic.pinned:
                members[topic.slug].append(story.slug)
    for topic in editor_topics:  # pinned stories first, in the editor's order
        pinned = [s for s in topic.pinned if s in members[topic.slug]]
        members[topic.slug] = pinned + [s for s in members[topic.slug] if s not in pinned]
    return members, matched


# Automatic topics: stories that no editor's topic claims are clustered by their
# words into about sqrt(n / AUTO_TOPIC_STORIES_PER) topics (at most AUTO_TOPIC_MAX):
# topic-level similarity is looser than story-level, same subject, not same event.
AUTO_TOPIC_TERMS = 3
AUTO_TOPIC_STORIES_PER = 8
AUTO_TOPIC_MAX = 40
AUTO_TOPIC_DIMENSIONS = 100


def automatic_topic_count(stories: int) -> int:
    return max(1, min(AUTO_TOPIC_MAX, round((stories / AUTO_TOPIC_STORIES_PER) ** 0.5)))


def automatic_topics(
    texts: Sequence[str], previous: Sequence[int | None] | None = None
) -> list[tuple[tuple[str, ...], list[int]]]:
    """Group story texts into automatic topics; return (top terms, member indices) per topic.

    TF-IDF reduced by truncated SVD (LSA, so "election" and "vote" meet), then
    k-means with a fixed seed: deterministic, and linear in the number of stories.
    A topic is named by its most distinctive terms: highest mean weight in the
    topic relative to all stories.

    ``previous[i]``: the topic story ``i`` was in at the last build (any number standing
    for a topic), or None for a new story. k-means then starts from those topics'
    centres, so a small change in the input leaves the topics where they were.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    if not texts:
        return []
    vectorizer = TfidfVectorizer(
        stop_words="english",
        sublinear_tf=True,
        max_df=0.5 if len(texts) > 4 else 1.0,
        min_df=2 if len(texts) > 50 else 1,
        token_pattern=r"(?u)\b[^\W\d_][\w'-]*[^\W_]\b",
    )
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:
        return [((), list(range(len(texts))))]
    labels = _cluster(matrix, texts, previous)
    groups: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        groups.setdefault(int(label), []).append(index)
    terms = vectorizer.get_feature_names_out()
    return [
        (_topic_terms(matrix, members, terms, len(groups)), members)
        for members in sorted(groups.values(), key=lambda m: m[0])
    ]


def _cluster(matrix, texts: Sequence[str], previous: Sequence[int | None] | None):
    """A topic label per story: k-means in the LSA space, from the previous topics'
    centres when there are any (``automatic_topics``)."""
    import numpy as np
    from sklearn.cluster import KMeans
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize

    k = min(automatic_topic_count(len(texts)), len(texts))
    if k <= 1 or matrix.shape[1] <= 2:
        return np.zeros(len(texts), dtype=int)
    dimensions = min(AUTO_TOPIC_DIMENSIONS, matrix.shape[1] - 1, len(texts) - 1)
    # k-means depends on row order; a canonical order makes topics independent of story ranking.
    canonical = np.array(sorted(range(len(texts)), key=lambda i: texts[i]))
    reduced = normalize(TruncatedSVD(dimensions, random_state=0).fit_transform(matrix[canonical]))
    vectors = np.empty_like(reduced)
    vectors[canonical] = reduced
    centres = _previous_centres(vectors, previous, k) if previous else None
    if centres is None:
        model = KMeans(k, n_init=10, random_state=0)
    else:
        model = KMeans(len(centres), init=centres, n_init=1, random_state=0)
    labels = np.empty(len(texts), dtype=int)
    labels[canonical] = model.fit_predict(reduced)
    return labels


# With a registry, the topic count stays what it was unless the input's size calls for
# a count this far off (a share of the previous count, at least one topic).
AUTO_TOPIC_COUNT_SLACK = 0.2


def _previous_centres(vectors, previous: Sequence[int | None], k: int):
    """Starting centres for k-means: the centre of each previous topic's stories (the
    largest topics when there are too many), then stories far from every centre when
    the input calls for more topics; None when no story was in a topic before."""
    import numpy as np

    members: dict[int, list[int]] = {}
    for index, label in enumerate(previous):
        if label is not None:
            members.setdefault(label, []).append(index)
    if not members:
        return None
    ranked = sorted(members.values(), key=lambda m: (-len(m), m[0]))
    if abs(k - len(ranked)) <= max(1, round(AUTO_TOPIC_COUNT_SLACK * len(ranked))):
        k = len(ranked)
    centres = [vectors[m].mean(axis=0) for m in sorted(ranked[:k], key=lambda m: m[0])]
    while len(centres) < k:  # the story least like any centre starts a new topic
        nearest = (vectors @ np.array(centres).T).max(axis=1)
        centres.append(vectors[int(np.argmin(nearest))])
    return np.array(centres)


def _topic_terms(matrix, members: list[int], terms, topics: int) -> tuple[str, ...]:
    """A topic's name: the terms with the highest mean weight in the topic times their
    lift over all stories; ties by term."""
    import numpy as np

    overall = np.asarray(matrix.mean(axis=0)).ravel() + 1e-9
    mean = np.asarray(matrix[members].mean(axis=0)).ravel()
    weights = mean * np.log1p(mean / overall) if topics > 1 else mean
    # The best few by weight, ties by term. Only the terms up to the cut go through
    # Python's sort: sorting the whole vocabulary for each topic took most of a second.
    cut = np.sort(weights)[-min(AUTO_TOPIC_TERMS, len(weights))]
    top = sorted(np.flatnonzero(weights >= cut), key=lambda t: (-weights[t], terms[t]))[
        :AUTO_TOPIC_TERMS
    ]
    return tuple(str(terms[t]) for t in top if weights[t] > 0)
