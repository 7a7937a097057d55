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
    groups: list[tuple[str, ...]] = field(default_factory=list)  # k-means groups' articles


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
    groups, automatic = _automatic(
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
        groups,
    )


def _automatic(
    stories: Sequence[Story],
    facts: Sequence[StoryFacts],
    previous: Registry | None,
    taken: set[str],
) -> tuple[list[tuple[str, ...]], list[tuple[Topic, list[str]]]]:
    """The automatic topics of the stories no editor topic claims, with their story slugs
    (slugs kept from ``previous``), and the groups k-means found (their articles; "Other
    news" may hold several), which the next build starts from."""
    raw = automatic_groups(
        [f.text for f in facts],
        _previous_labels(stories, previous) if previous else None,
        _named_before(stories, previous) if previous else None,
    )
    other = sorted(i for name, members in raw if not name for i in members)
    found = [(n, m) for n, m in raw if n] + ([((), other)] if other else [])
    slugs = _topic_slugs(stories, found, previous, taken)
    kept = [tuple(sorted(a for i in m for a in stories[i].article_ids)) for _, m in raw]
    return kept, [
        (
            Topic(
                slug=slug,
                name=", ".join(t.capitalize() for t in terms) if terms else "Other news",
                description="",
                order=10_000 if terms else 10_001,  # "Other news" last
                automatic=True,
                source="automatic",
            ),
            [stories[i].slug for i in indices],
        )
        for slug, (terms, indices) in zip(slugs, found)
    ]


OTHER_NEWS = "other-news"  # the slug of the stories no topic fits


def _topic_slugs(
    stories: Sequence[Story],
    found: list[tuple[tuple[str, ...], list[int]]],
    previous: Registry | None,
    taken: set[str],
) -> list[str]:
    """A slug per topic of ``found`` ("Other news" last, with no terms): named topics keep
    the slugs of the named topics they continue; "Other news" keeps its own."""
    groups = [
        (
            make_slug("-".join(terms), set()),
            frozenset(a for i in indices for a in stories[i].article_ids),
        )
        for terms, indices in found
        if terms
    ]
    before = previous or Registry()
    named = replace(before, topics={k: v for k, v in before.topics.items() if k != OTHER_NEWS})
    slugs = stable_topic_slugs(groups, named, taken | {OTHER_NEWS})
    if len(groups) < len(found):
        slugs.append(make_slug(OTHER_NEWS, taken))
    return slugs


def _named_before(stories: Sequence[Story], previous: Registry) -> list[bool | None]:
    """Per story, whether most of its articles were under a named automatic topic (True)
    or in "Other news" (False) at the last build; None for a story new to both."""
    other = set(previous.topics.get(OTHER_NEWS, ()))
    named = {a for slug, ids in previous.topics.items() if slug != OTHER_NEWS for a in ids}
    out: list[bool | None] = []
    for story in stories:
        yes = sum(a in named for a in story.article_ids)
        no = sum(a in other for a in story.article_ids)
        out.append(None if yes == no == 0 else yes > no)
    return out


def _previous_labels(stories: Sequence[Story], previous: Registry) -> list[int | None]:
    """Per story, the previous group (``Registry.topic_groups``, else its automatic topics
    but "Other news") that held most of its articles, as a number, or None."""
    groups = previous.topic_groups or tuple(
        ids for slug, ids in sorted(previous.topics.items()) if slug != OTHER_NEWS
    )
    owner = {a: n for n, ids in enumerate(groups) for a in ids}
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
    """Group story texts into automatic topics; return (top terms, member indices) per topic,
    the groups that share no subject as one, with no terms ("Other news"), last."""
    groups = automatic_groups(texts, previous)
    other = sorted(i for name, members in groups if not name for i in members)
    return [(name, members) for name, members in groups if name] + ([((), other)] if other else [])


def automatic_groups(
    texts: Sequence[str],
    previous: Sequence[int | None] | None = None,
    named_before: Sequence[bool | None] | None = None,
) -> list[tuple[tuple[str, ...], list[int]]]:
    """The groups of ``automatic_topics`` before those without a name are put together.

    TF-IDF reduced by truncated SVD (LSA, so "election" and "vote" meet), then
    k-means with a fixed seed: deterministic, and linear in the number of stories.
    A topic is named by the terms its stories share (``_topic_terms``); a group whose
    stories share none has no name.

    ``previous[i]``: the topic story ``i`` was in at the last build (any number standing
    for a topic), or None for a new story. k-means then starts from those topics'
    centres, so a small change in the input leaves the topics where they were.
    ``named_before[i]``: story ``i`` was under a named topic at the last build (True), in
    "Other news" (False) or not there (None). A group most of whose known stories were
    named keeps a name down to AUTO_TOPIC_KEEP_SHARE; one that was "Other news" needs
    AUTO_TOPIC_JOIN_SHARE to be named (hysteresis: a group whose best term sits near the
    bar does not flip between a topic and "Other news" at each small change).
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

    def bar(members: list[int]) -> float:
        known = [named_before[i] for i in members] if named_before else []
        votes = [k for k in known if k is not None]
        if not votes:
            return AUTO_TOPIC_MIN_SHARE
        return AUTO_TOPIC_KEEP_SHARE if 2 * sum(votes) > len(votes) else AUTO_TOPIC_JOIN_SHARE

    return [
        (_topic_terms(matrix, members, terms, len(groups), bar(members)), members)
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


# A topic's name: the terms its stories share, each in at least AUTO_TOPIC_NAME_SHARE of
# them. A group with no term in more than AUTO_TOPIC_MIN_SHARE of its stories and at
# least AUTO_TOPIC_MIN_LIFT times as often as in all stories shares no subject: its
# stories go to "Other news". (Multi-News, every row: the four topics' best such terms
# are in 61-88% of their stories, at a lift of 2.7 to 5.5; the two mixed bags have none,
# their commonest words being "told" in 57% (lift 1.2) and "make" in 41%.)
AUTO_TOPIC_NAME_SHARE = 0.25
AUTO_TOPIC_MIN_SHARE = 0.5
AUTO_TOPIC_MIN_LIFT = 2.0
# A group that continues a named topic keeps a name while its best term is in this share
# of its stories. (Multi-News, every row: hiding one story of 300 took the "Court, Charges,
# Law" topic of 78 stories from just over half to just under, and all 78 into "Other news".)
AUTO_TOPIC_KEEP_SHARE = 0.4
# ... and a group that continues "Other news" is named only when its best term is in this
# share (adding one editor topic split two named groups out of Multi-News' Other news).
AUTO_TOPIC_JOIN_SHARE = 0.6


def _topic_terms(
    matrix, members: list[int], terms, topics: int, min_share: float = AUTO_TOPIC_MIN_SHARE
) -> tuple[str, ...]:
    """A topic's name: the terms in the largest share of its stories, weighted by how much
    more often they are there than in all stories (share x log(lift)); ties by term.
    Empty when the stories share no term (none in more than ``min_share`` of them), or
    when there is one group only (there is nothing to tell it from)."""
    import numpy as np

    if topics <= 1 or not len(terms):
        return ()
    present = matrix > 0
    overall = np.asarray(present.mean(axis=0)).ravel()
    share = np.asarray(present[members].mean(axis=0)).ravel()
    with np.errstate(divide="ignore", invalid="ignore"):
        weights = np.where(share > 0, share * np.log(share / overall), 0.0)
    ranked = sorted(
        np.flatnonzero(share >= AUTO_TOPIC_NAME_SHARE), key=lambda t: (-weights[t], terms[t])
    )
    ranked = [t for t in ranked if weights[t] > 0]
    if not any(
        share[t] > min_share and share[t] >= AUTO_TOPIC_MIN_LIFT * overall[t] for t in ranked
    ):
        return ()
    name: list[str] = []
    for t in ranked:
        term = str(terms[t])
        if not any(_same_word(term, other) for other in name):
            name.append(term)
        if len(name) == AUTO_TOPIC_TERMS:
            break
    return tuple(name)


def _same_word(a: str, b: str) -> bool:
    """ "film" and "films", "econom" and "economy": one is the other with a short ending."""
    short, long = sorted((a, b), key=len)
    return long.startswith(short[: max(4, len(short) - 1)]) and len(long) - len(short) <= 3
