"""Permalinks: stable story URLs across builds, from a small tracked file (the story
registry) that remembers which articles each slug held.

A story's slug comes from its oldest article, so newer articles joining it leave
the URL alone. The registry covers the rest: when a bridging article merges two
stories, or the grouping splits one, the new stories take over the slugs of the
old ones that hold most of their articles, and every old slug that lost its
story redirects to the story that now holds its articles. Redirects are kept in
the registry, so a link from last month still lands.

Automatic topics keep their slugs the same way (``newsdigest.topics``): the registry
remembers the articles under each automatic topic, and a topic that disappears or
merges redirects to the topic that now holds most of its articles ("" when none does:
its page and feeds then point at the topics index).

File format (JSON, sorted keys, so a diff shows what changed)::

    {"stories": {"slug": ["article-id", ...]}, "redirects": {"old-slug": "slug"},
     "topics": {"topic-slug": ["article-id", ...]}, "topic_redirects": {"old": "topic-slug"},
     "topic_groups": [["article-id", ...], ...]}
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import ConfigurationError
from .model import Story


@dataclass(frozen=True)
class Registry:
    stories: dict[str, tuple[str, ...]] = field(default_factory=dict)
    redirects: dict[str, str] = field(default_factory=dict)
    topics: dict[str, tuple[str, ...]] = field(default_factory=dict)  # automatic topics
    topic_redirects: dict[str, str] = field(default_factory=dict)  # "" : to the topics index
    # the groups the last build's k-means found (articles), which the next one starts from
    topic_groups: tuple[tuple[str, ...], ...] = ()


class RegistryError(ConfigurationError):
    """The registry file cannot be used; the message names it."""


def load_registry(path: Path) -> Registry:
    """The registry in ``path`` (empty when the file does not exist yet)."""
    if not path.exists():
        return Registry()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        stories = {str(k): tuple(str(i) for i in v) for k, v in data.get("stories", {}).items()}
        redirects = {str(k): str(v) for k, v in data.get("redirects", {}).items()}
        topics = {str(k): tuple(str(i) for i in v) for k, v in data.get("topics", {}).items()}
        topic_redirects = {str(k): str(v) for k, v in data.get("topic_redirects", {}).items()}
        groups = tuple(tuple(str(i) for i in g) for g in data.get("topic_groups", []))
    except OSError as error:
        raise RegistryError(f"{path}: cannot be read: {error.strerror}") from None
    except RecursionError:
        raise RegistryError(
            f"{path}: not a story registry (nested too deeply to read); expected JSON with "
            "'stories' and 'redirects', as written by `newsdigest build --registry`"
        ) from None
    except (ValueError, AttributeError, TypeError) as error:
        raise RegistryError(
            f"{path}: not a story registry ({error}); expected JSON with 'stories' and "
            "'redirects', as written by `newsdigest build --registry`"
        ) from None
    return Registry(stories, redirects, topics, topic_redirects, groups)


def save_registry(registry: Registry, path: Path) -> None:
    data = {
        "stories": {k: list(v) for k, v in sorted(registry.stories.items())},
        "redirects": dict(sorted(registry.redirects.items())),
        "topics": {k: sorted(v) for k, v in sorted(registry.topics.items())},
        "topic_redirects": dict(sorted(registry.topic_redirects.items())),
        "topic_groups": sorted(sorted(g) for g in registry.topic_groups),
    }
    path.write_text(
        json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8"
    )


def stable_slugs(
    stories: Sequence[Story], previous: Registry
) -> tuple[list[Story], dict[str, str], Registry]:
    """Give stories their earlier slugs; return (stories, redirects, updated registry).

    A new story takes the old slug it shares most articles with (ties: the one that
    held its oldest article), each old slug going to at most one story. An
    old slug whose articles now sit in a story with another slug redirects there.
    """
    owner_of = {a: slug for slug, ids in previous.stories.items() for a in ids}
    # overlap[new index][old slug] = shared articles
    overlap = [
        Counter(owner_of[a] for a in story.article_ids if a in owner_of) for story in stories
    ]
    slug_for = _claim_old_slugs(stories, overlap, owner_of)
    taken = set(slug_for.values())
    renamed = []
    for index, story in enumerate(stories):
        slug = slug_for.get(index)
        if slug is None:
            slug, number = story.slug, 2
            while slug in taken or slug in previous.redirects:
                slug, number = f"{story.slug}-{number}", number + 1
            taken.add(slug)
        renamed.append(replace(story, slug=slug))
    redirects = _redirects(renamed, overlap, previous.redirects)
    return renamed, redirects, Registry({s.slug: s.article_ids for s in renamed}, redirects)


def _claim_old_slugs(
    stories: Sequence[Story], overlap: list[Counter], owner_of: dict[str, str]
) -> dict[int, str]:
    """Which old slug each new story takes: most shared articles first; on a tie, the old
    story that held the new story's oldest article (a slug comes from the oldest
    article), then by name."""
    claims = sorted(
        (-n, owner_of.get(stories[index].article_ids[0]) != old, old, index)
        for index, counts in enumerate(overlap)
        for old, n in counts.items()
    )
    slug_for: dict[int, str] = {}
    used: set[str] = set()
    for _, _, old, index in claims:
        if index not in slug_for and old not in used:
            slug_for[index] = old
            used.add(old)
    return slug_for


def _redirects(
    renamed: list[Story], overlap: list[Counter], earlier: dict[str, str]
) -> dict[str, str]:
    """Every old slug without a story of its own, to the live story that holds its articles."""
    current = {s.slug for s in renamed}
    redirects = {old: new for old, new in earlier.items() if old not in current}
    for counts in overlap:
        for old in counts:
            if old not in current:
                # The old story's articles live on here; the biggest share wins.
                best = max(range(len(overlap)), key=lambda k: (overlap[k].get(old, 0), -k))
                redirects[old] = renamed[best].slug
    # Follow chains (a -> b -> c) so every redirect lands on a live page in one hop.
    for old in list(redirects):
        seen = {old}
        target = redirects[old]
        while target in redirects and target not in current and target not in seen:
            seen.add(target)
            target = redirects[target]
        redirects[old] = target
    return {old: new for old, new in redirects.items() if new in current}


# A new automatic topic takes an old topic's slug when they share at least this share of
# their articles (Jaccard): less, and it is another topic under an old name.
TOPIC_SLUG_MIN_JACCARD = 0.3


def stable_topic_slugs(
    groups: Sequence[tuple[str, frozenset[str]]], previous: Registry, taken: set[str]
) -> list[str]:
    """A slug per automatic topic (``(slug it would take, its articles)``): the old topic's
    whose articles it shares most of (Jaccard, at least TOPIC_SLUG_MIN_JACCARD), each old
    slug going to one topic; a new slug otherwise, never one taken or redirected."""
    claims = sorted(
        (-jaccard, old, index)
        for index, (_, articles) in enumerate(groups)
        for old, before in previous.topics.items()
        if old not in taken
        and (jaccard := len(articles & set(before)) / len(articles | set(before)))
        >= TOPIC_SLUG_MIN_JACCARD
    )
    slug_for: dict[int, str] = {}
    for _, old, index in claims:
        if index not in slug_for and old not in slug_for.values():
            slug_for[index] = old
    used = taken | set(slug_for.values()) | set(previous.topics) | set(previous.topic_redirects)
    slugs = []
    for index, (wanted, _) in enumerate(groups):
        slug = slug_for.get(index)
        if slug is None:
            slug, number = wanted, 2
            while slug in used:
                slug, number = f"{wanted}-{number}", number + 1
            used.add(slug)
        slugs.append(slug)
    return slugs


def topic_redirects(previous: Registry, members: dict[str, frozenset[str]]) -> dict[str, str]:
    """Every old automatic topic slug without a topic now, to the topic (automatic or the
    editor's; ``members``: slug -> articles) that holds most of its articles, or "" (the
    topics index) when none does; earlier redirects kept, chains followed."""
    redirects = {old: new for old, new in previous.topic_redirects.items() if old not in members}
    for old, before in previous.topics.items():
        if old in members:
            continue
        shared = {slug: len(articles & set(before)) for slug, articles in members.items()}
        best = max(sorted(shared), key=lambda slug: shared[slug], default="")
        redirects[old] = best if shared.get(best) else ""
    for old in list(redirects):
        target, seen = redirects[old], {old}
        while target and target not in members and target not in seen:
            seen.add(target)
            target = redirects.get(target, "")
        redirects[old] = target if target in members else ""
    return redirects
