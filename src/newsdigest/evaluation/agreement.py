"""``newsdigest eval agree``: ``group`` and ``build`` put every article in the same story.

Both run the one story stage (``pipeline.read_stories``); this check runs each the way
its command does, over the same input, settings, overrides and registry, and compares
article by article: which story (by slug) holds it. Copies merged into an entry count
as members of the entry's story.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import NewsdigestError
from ..pipeline import Options, StorySources, build_digest, read_stories

# Differences listed in the failure message, at most.
SHOWN = 5


class StoriesDiffer(NewsdigestError):
    """``group`` and ``build`` disagree about some article's story (exit 1)."""


@dataclass(frozen=True)
class Agreement:
    articles: int
    stories: int

    def verdict(self, inputs: Sequence[Path]) -> str:
        where = ", ".join(str(p) for p in inputs)
        return f"{where}: group and build agree: {self.articles} articles in {self.stories} stories"


def group_build_agreement(inputs: Sequence[Path], sources: StorySources) -> Agreement:
    """The articles and stories both commands found; raises StoriesDiffer naming the
    articles whose story differs."""
    options = Options(registry=sources.registry)
    grouped = read_stories(inputs, sources.settings, sources.topics_dir, options=options)
    digest = build_digest(inputs, sources.settings, sources.topics_dir, options=options)
    by_group = grouped.story_of()
    by_build = {a: s.slug for s in digest.stories for a in s.article_ids}
    by_build.update({copy: by_build[kept] for copy, kept in digest.copies.items()})
    differ = sorted(
        i for i in by_group.keys() | by_build.keys() if by_group.get(i) != by_build.get(i)
    )
    if differ:
        shown = "; ".join(
            f"'{i}': group {by_group.get(i)!r}, build {by_build.get(i)!r}" for i in differ[:SHOWN]
        )
        raise StoriesDiffer(
            f"{', '.join(str(p) for p in inputs)}: group and build disagree on "
            f"{len(differ)} article(s): {shown}"
        )
    return Agreement(len(by_group), len(grouped.found.stories))
