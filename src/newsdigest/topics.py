"""The topics stage: each story under every editor topic whose rules match it (see
``newsdigest.editor_topics``), the rest under automatic topics found by clustering
their words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from .editor_topics import KEYWORD_SHARE, ArticleFacts, StoryFacts, Topic, topic_matches
from .model import Document, Story
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


def assign_topics(
    stories: Sequence[Story],
    facts: Sequence[StoryFacts],
    editor_topics: Sequence[Topic],
    share: float = KEYWORD_SHARE,
) -> Assigned:
    """Put each story under every editor topic whose rules match; the rest under automatic topics.

    ``facts[i]`` is ``story_facts(stories[i], ...)``; ``share``: see ``keyword_evidence``.
    """
    members, matched = _editor_members(stories, facts, editor_topics, share)
    story_topics: dict[str, list[str]] = {s.slug: [] for s in stories}
    for topic in editor_topics:
        for slug in members[topic.slug]:
            story_topics[slug].append(topic.slug)
    topics = list(editor_topics)
    unclaimed = [i for i, s in enumerate(stories) if not story_topics[s.slug]]
    taken = {t.slug for t in topics}
    for terms, indices in automatic_topics([facts[i].text for i in unclaimed]):
        name = ", ".join(t.capitalize() for t in terms) if terms else "Other news"
        slug = make_slug("-".join(terms) if terms else "other-news", taken)
        topics.append(
            Topic(
                slug=slug,
                name=name,
                description="",
                order=10_000,
                automatic=True,
                source="automatic",
            )
        )
        members[slug] = [stories[unclaimed[i]].slug for i in indices]
        for i in indices:
            story_topics[stories[unclaimed[i]].slug].append(slug)
    return Assigned(
        [replace(s, topics=tuple(story_topics[s.slug])) for s in stories], topics, members, matched
    )


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


def automatic_topics(texts: Sequence[str]) -> list[tuple[tuple[str, ...], list[int]]]:
    """Group story texts into automatic topics; return (top terms, member indices) per topic.

    TF-IDF reduced by truncated SVD (LSA, so "election" and "vote" meet), then
    k-means with a fixed seed: deterministic, and linear in the number of stories.
    A topic is named by its most distinctive terms: highest mean weight in the
    topic relative to all stories.
    """
    import numpy as np
    from sklearn.cluster import KMeans
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

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
    terms = vectorizer.get_feature_names_out()
    k = min(automatic_topic_count(len(texts)), len(texts))
    if k > 1 and matrix.shape[1] > 2:
        dimensions = min(AUTO_TOPIC_DIMENSIONS, matrix.shape[1] - 1, len(texts) - 1)
        # k-means depends on row order; a canonical order makes topics independent of story ranking.
        canonical = np.array(sorted(range(len(texts)), key=lambda i: texts[i]))
        reduced = normalize(
            TruncatedSVD(dimensions, random_state=0).fit_transform(matrix[canonical])
        )
        labels = np.empty(len(texts), dtype=int)
        labels[canonical] = KMeans(k, n_init=10, random_state=0).fit_predict(reduced)
    else:
        labels = np.zeros(len(texts), dtype=int)
    groups: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        groups.setdefault(int(label), []).append(index)
    overall = np.asarray(matrix.mean(axis=0)).ravel() + 1e-9
    result = []
    for members in sorted(groups.values(), key=lambda m: m[0]):
        mean = np.asarray(matrix[members].mean(axis=0)).ravel()
        # Distinctive and frequent: the topic's mean weight times its lift over all stories.
        weights = mean * np.log1p(mean / overall) if len(groups) > 1 else mean
        # The best few by weight, ties by term. Only the terms up to the cut go through
        # Python's sort: sorting the whole vocabulary for each topic took most of a second.
        cut = np.sort(weights)[-min(AUTO_TOPIC_TERMS, len(weights))]
        top = sorted(np.flatnonzero(weights >= cut), key=lambda t: (-weights[t], terms[t]))[
            :AUTO_TOPIC_TERMS
        ]
        result.append((tuple(str(terms[t]) for t in top if weights[t] > 0), members))
    return result
