"""Do automatic topics stay put? One build, then three small changes built with the
registry the first build left (as ``make site`` keeps it), and how many automatic
topics kept their slug and their stories.

    hide     one story hidden (the middle one by slug, as ``hide:`` would)
    editor   one editor topic added (``topics/middle-east.yml`` by default)
    new      1% more articles (held out of the first build: every article whose id
             hashes into the lowest 1%, at least one)

A topic of the first build *stays* when the changed build has a topic with its slug
whose stories are at least STAY_JACCARD of its own (Jaccard, by story slug), both
counted over the stories that are under an automatic topic in both builds: a story
the change hid, or that the editor topic claimed, leaves the comparison, and a topic
with no story left in it is not counted. The figure of each change is the share of
topics that stayed (x 100).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..editor_topics import Topic
from ..model import Document
from ..permalinks import Registry

STAY_JACCARD = 0.8
NEW_SHARE = 0.01
CHANGES = ("hide", "editor", "new")


@dataclass(frozen=True)
class StabilityEvaluation:
    data: Path
    articles: int
    stories: int
    topics: int  # automatic topics of the first build
    kept: dict[str, float]  # change -> share of topics that stayed, x 100
    jaccard: dict[str, float]  # change -> mean Jaccard of a topic's stories, x 100
    counted: dict[str, int]  # change -> topics compared
    registry: bool

    def figures(self) -> dict[str, float]:
        return {f"kept_{change}": value for change, value in self.kept.items()}

    def table(self) -> str:
        how = "with the registry" if self.registry else "without a registry"
        lines = [
            f"{self.data}: {self.articles} articles, {self.stories} stories, "
            f"{self.topics} automatic topics ({how})",
            f"{'change':8} {'topics':>6} {'stayed %':>9} {'mean Jaccard %':>15}",
        ]
        for change in CHANGES:
            lines.append(
                f"{change:8} {self.counted[change]:>6} {self.kept[change]:>9.1f} "
                f"{self.jaccard[change]:>15.1f}"
            )
        return "\n".join(lines)


@dataclass(frozen=True)
class _Build:
    members: dict[str, frozenset[str]]  # automatic topic slug -> story slugs
    registry: Registry
    stories: int


def _build(
    documents: Sequence[Document],
    names: Sequence[Sequence[str]],
    previous: Registry,
    editor: Sequence[Topic] = (),
    hide: str | None = None,
    use_registry: bool = True,
) -> _Build:
    from ..stories import find_stories
    from ..topics import assign_topics, story_facts

    found = find_stories(documents, names, registry=previous)
    stories = [s for s in found.stories if s.slug != hide]
    by_id = {d.id: d for d in documents}
    assigned = assign_topics(
        stories,
        [story_facts(s, by_id) for s in stories],
        editor,
        previous=previous if use_registry else None,
    )
    automatic = {t.slug for t in assigned.topics if t.automatic}
    members = {slug: frozenset(assigned.members[slug]) for slug in automatic}
    assert found.registry is not None
    registry = replace(
        found.registry,
        topics=assigned.registry_topics,
        topic_redirects=assigned.redirects,
        topic_groups=tuple(assigned.groups),
    )
    return _Build(members, registry, len(stories))


def _compare(before: _Build, after: _Build) -> tuple[int, float, float]:
    """(topics compared, share that stayed, mean Jaccard), both x 100."""
    pool = frozenset().union(*before.members.values()) & frozenset().union(*after.members.values())
    counted = stayed = 0
    total = 0.0
    for slug, stories in before.members.items():
        mine = stories & pool
        if not mine:
            continue
        theirs = after.members.get(slug, frozenset()) & pool
        jaccard = len(mine & theirs) / len(mine | theirs)
        counted += 1
        total += jaccard
        stayed += jaccard >= STAY_JACCARD
    if not counted:
        return 0, 100.0, 100.0
    return counted, stayed / counted * 100, total / counted * 100


def held_out(ids: Sequence[str], share: float = NEW_SHARE) -> set[str]:
    """The ids of the articles left out of the first build: the lowest ``share`` by hash."""
    ranked = sorted(ids, key=lambda i: hashlib.sha256(i.encode()).hexdigest())
    return set(ranked[: max(1, round(share * len(ids)))])


def evaluate_stability(
    data: Path, editor_topic: Path, use_registry: bool = True
) -> StabilityEvaluation:
    """The first build and the three changes (module docstring)."""
    from ..editor_topics import load_topics
    from ..ingest import ingest
    from ..prepare import prepare_articles

    prepared = prepare_articles(ingest([data]).articles)
    documents = prepared.documents
    names = [prepared.features[d.id].names for d in documents]
    later = held_out([d.id for d in documents])
    first = [i for i, d in enumerate(documents) if d.id not in later]
    base_docs, base_names = [documents[i] for i in first], [names[i] for i in first]
    base = _build(base_docs, base_names, Registry(), use_registry=use_registry)
    ranked = sorted(
        (s for members in base.members.values() for s in members),
    )
    hidden = ranked[len(ranked) // 2] if ranked else None
    editor = _editor_topics(editor_topic, load_topics)
    after = {
        "hide": _build(
            base_docs, base_names, base.registry, hide=hidden, use_registry=use_registry
        ),
        "editor": _build(base_docs, base_names, base.registry, editor, use_registry=use_registry),
        "new": _build(documents, names, base.registry, use_registry=use_registry),
    }
    compared = {change: _compare(base, build) for change, build in after.items()}
    return StabilityEvaluation(
        data,
        len(documents),
        base.stories,
        len(base.members),
        {c: v[1] for c, v in compared.items()},
        {c: v[2] for c, v in compared.items()},
        {c: v[0] for c, v in compared.items()},
        use_registry,
    )


def _editor_topics(path: Path, load_topics) -> list[Topic]:
    """The editor topics of one topic file (``load_topics`` reads a folder)."""
    return [t for t in load_topics(path.parent) if t.source.startswith(path.as_posix() + ":")]
