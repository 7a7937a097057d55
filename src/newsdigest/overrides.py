"""Editor overrides of the automatic grouping, by story slug, from ``topics/overrides.yml``:

    merge:                      # the listed stories join the first; their URLs redirect to it
      - [syria-talks-in-moscow, al-sharaa-meets-putin]
    split: [article-id]         # the article leaves its story and becomes a story of its own
    retitle:
      syria-talks-in-moscow: Syria and Russia reset relations
    hide: [some-story-slug]     # no page, not listed anywhere
    takedown: [article-id]      # the article disappears from every page and feed

Validated like the topic files (unknown keys, wrong types, bad slugs: file, line,
key and a suggestion). A slug or article id that matches nothing is a warning,
since the input changes from one build to the next.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator
from slugify import slugify

from .configfile import ConfigError, ConfigInvalid, load_yaml, validate
from .model import Story

OVERRIDES_FILE = "overrides.yml"


def _check_slug(value: str) -> str:
    if value != slugify(value):
        raise ValueError(f"story slug {value!r} is not URL-safe; expected lower-case words joined by "
                         f"hyphens, such as {slugify(value)!r}")
    return value


def _check_group(group: list[str]) -> list[str]:
    if len(group) < 2:
        raise ValueError(f"merge {group!r} names {len(group)} story; expected two or more slugs "
                         "in one list, the story to keep first")
    return group


# Validated one by one, so an error names the item's own line (merge[1], hide[0]).
Slug = Annotated[str, AfterValidator(_check_slug)]
MergeGroup = Annotated[list[Slug], AfterValidator(_check_group)]


class OverridesSpec(BaseModel):
    """What an editor may change about the automatic stories."""

    model_config = ConfigDict(extra="forbid")

    merge: list[MergeGroup] = Field(default_factory=list,
                                   description="groups of story slugs; the others join the first")
    split: list[str] = Field(default_factory=list, description="article ids that become their own story")
    retitle: dict[str, str] = Field(default_factory=dict, description="story slug: new title")
    hide: list[Slug] = Field(default_factory=list, description="story slugs not shown anywhere")
    takedown: list[str] = Field(default_factory=list, description="article ids removed from every page")

    @field_validator("retitle")
    @classmethod
    def _retitle(cls, titles: dict[str, str]) -> dict[str, str]:
        for slug, title in titles.items():
            _check_slug(slug)
            if not title.strip():
                raise ValueError(f"retitle {slug}: the new title is empty; expected a title")
        return titles


@dataclass(frozen=True)
class Overrides:
    spec: OverridesSpec
    source: str  # the file, for messages
    lines: dict  # key path -> line, for warnings

    def where(self, *path) -> str:
        line = self.lines.get(tuple(path)) or self.lines.get(tuple(path[:1]))
        return f"{self.source}:{line}" if line else self.source


def load_overrides(folder: Path | None) -> Overrides | None:
    """The overrides in ``folder/overrides.yml``, or None; raises ConfigInvalid."""
    if folder is None or not (folder / OVERRIDES_FILE).exists():
        return None
    path = folder / OVERRIDES_FILE
    display = path.as_posix()
    data, lines = load_yaml(path, display)
    if data is None:
        return None
    if not isinstance(data, dict):
        raise ConfigInvalid([ConfigError(display, 1, "", f"got {type(data).__name__}; expected key: value "
                                         "lines (merge:, split:, retitle:, hide:, takedown:)")])
    return Overrides(validate(OverridesSpec, data, display, lines), display, lines)


@dataclass(frozen=True)
class Applied:
    stories: list[Story]
    redirects: dict[str, str]  # old slug -> slug that now holds its articles
    hidden: frozenset[str]
    notes: dict[str, list[str]]  # story slug -> what the editor changed (for explain)
    warnings: list[ConfigError]


def apply_overrides(stories: Sequence[Story], overrides: Overrides | None,
                    new_story: Callable[[Sequence[str]], Story],
                    remake: Callable[[Story, Sequence[str]], Story]) -> Applied:
    """Merge, split, retitle and hide stories as the editor asked.

    ``new_story(article_ids)`` builds a story (slug, title, summary) for a split
    article; ``remake(story, article_ids)`` rebuilds a story with other articles
    while keeping its slug and title.
    """
    if overrides is None:
        return Applied(list(stories), {}, frozenset(), {}, [])
    spec = overrides.spec
    by_slug = {s.slug: s for s in stories}
    order = [s.slug for s in stories]
    redirects: dict[str, str] = {}
    notes: dict[str, list[str]] = {}
    warnings: list[ConfigError] = []

    def warn(path: tuple, message: str) -> None:
        line = overrides.lines.get(path) or overrides.lines.get(path[:1])
        warnings.append(ConfigError(overrides.source, line, _key(path), message, "warning"))

    for index, group in enumerate(spec.merge):
        present = [s for s in group if s in by_slug]
        for position, slug in enumerate(group):
            if slug not in by_slug:
                warn(("merge", index, position), f"no story '{slug}' in this build; nothing to merge")
        if len(present) < 2:
            continue
        keep, *others = present
        ids = list(by_slug[keep].article_ids)
        for other in others:
            ids.extend(by_slug.pop(other).article_ids)
            order.remove(other)
            redirects[other] = keep
            notes.setdefault(keep, []).append(f"merged with '{other}' by the editor ({overrides.source})")
        by_slug[keep] = remake(by_slug[keep], ids)
    for index, article_id in enumerate(spec.split):
        home = next((s for s in by_slug.values() if article_id in s.article_ids), None)
        if home is None:
            warn(("split", index), f"no article '{article_id}' in this build; nothing to split")
            continue
        if len(home.article_ids) == 1:
            warn(("split", index), f"article '{article_id}' is already a story of its own")
            continue
        by_slug[home.slug] = remake(home, [i for i in home.article_ids if i != article_id])
        alone = new_story([article_id])
        by_slug[alone.slug] = alone
        order.insert(order.index(home.slug) + 1, alone.slug)
        notes.setdefault(home.slug, []).append(f"article '{article_id}' split out into '{alone.slug}' "
                                               f"by the editor ({overrides.source})")
        notes.setdefault(alone.slug, []).append(f"split out of '{home.slug}' by the editor")
    for slug, title in spec.retitle.items():
        slug = redirects.get(slug, slug)
        if slug not in by_slug:
            warn(("retitle", slug), f"no story '{slug}' in this build; nothing to retitle")
            continue
        by_slug[slug] = replace(by_slug[slug], title=title)
        notes.setdefault(slug, []).append(f"retitled by the editor ({overrides.source})")
    hidden = set()
    for index, slug in enumerate(spec.hide):
        slug = redirects.get(slug, slug)
        if slug not in by_slug:
            warn(("hide", index), f"no story '{slug}' in this build; nothing to hide")
            continue
        hidden.add(slug)
    return Applied([by_slug[s] for s in order if s not in hidden], redirects, frozenset(hidden), notes, warnings)


def _key(path: tuple) -> str:
    from .configfile import key_name
    return key_name(path)
