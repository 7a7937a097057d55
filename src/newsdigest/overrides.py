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
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator
from slugify import slugify

from .configfile import ConfigError, ConfigInvalid, key_name, load_yaml, validate
from .model import Document, Story

OVERRIDES_FILE = "overrides.yml"


def _check_slug(value: str) -> str:
    if value != slugify(value):
        raise ValueError(
            f"story slug {value!r} is not URL-safe; expected lower-case words joined by "
            f"hyphens, such as {slugify(value)!r}"
        )
    return value


def _check_group(group: list[str]) -> list[str]:
    if len(group) < 2:
        raise ValueError(
            f"merge {group!r} names {len(group)} story; expected two or more slugs "
            "in one list, the story to keep first"
        )
    return group


# Validated one by one, so an error names the item's own line (merge[1], hide[0]).
Slug = Annotated[str, AfterValidator(_check_slug)]
MergeGroup = Annotated[list[Slug], AfterValidator(_check_group)]


class OverridesSpec(BaseModel):
    """What an editor may change about the automatic stories."""

    model_config = ConfigDict(extra="forbid")

    merge: list[MergeGroup] = Field(
        default_factory=list, description="groups of story slugs; the others join the first"
    )
    split: list[str] = Field(
        default_factory=list, description="article ids that become their own story"
    )
    retitle: dict[str, str] = Field(default_factory=dict, description="story slug: new title")
    hide: list[Slug] = Field(default_factory=list, description="story slugs not shown anywhere")
    takedown: list[str] = Field(
        default_factory=list, description="article ids removed from every page"
    )

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
        raise ConfigInvalid(
            [
                ConfigError(
                    display,
                    1,
                    "",
                    f"got {type(data).__name__}; expected key: value "
                    "lines (merge:, split:, retitle:, hide:, takedown:)",
                )
            ]
        )
    return Overrides(validate(OverridesSpec, data, display, lines), display, lines)


@dataclass(frozen=True)
class Applied:
    stories: list[Story]
    redirects: dict[str, str]  # old slug -> slug that now holds its articles
    notes: dict[str, list[str]]  # story slug -> what the editor changed (for explain)
    warnings: list[ConfigError]


def without_takedowns(documents: Sequence[Document], overrides: Overrides | None) -> list[Document]:
    """Taken down before anything is computed from it: no page, summary or feed entry."""
    gone = set(overrides.spec.takedown) if overrides else set()
    return [d for d in documents if d.id not in gone]


def apply_overrides(
    stories: Sequence[Story],
    overrides: Overrides | None,
    new_story: Callable[[Sequence[str]], Story],
    remake: Callable[[Story, Sequence[str]], Story],
) -> Applied:
    """Merge, split, retitle and hide stories as the editor asked.

    ``new_story(article_ids)`` builds a story (slug, title) for a split article;
    ``remake(story, article_ids)`` is the story with other articles, its slug and
    title kept.
    """
    if overrides is None:
        return Applied(list(stories), {}, {}, [])
    editing = _Editing(
        overrides, {s.slug: s for s in stories}, [s.slug for s in stories], new_story, remake
    )
    for index, group in enumerate(overrides.spec.merge):
        editing.merge(index, group)
    for index, article_id in enumerate(overrides.spec.split):
        editing.split(index, article_id)
    for slug, title in overrides.spec.retitle.items():
        editing.retitle(slug, title)
    hidden = {
        slug
        for slug in (editing.hide(index, slug) for index, slug in enumerate(overrides.spec.hide))
        if slug
    }
    return Applied(
        [editing.by_slug[s] for s in editing.order if s not in hidden],
        editing.redirects,
        editing.notes,
        editing.warnings,
    )


@dataclass
class _Editing:
    """The stories while the editor's changes are applied, one kind of change at a time."""

    overrides: Overrides
    by_slug: dict[str, Story]
    order: list[str]
    new_story: Callable[[Sequence[str]], Story]
    remake: Callable[[Story, Sequence[str]], Story]
    redirects: dict[str, str] = field(
        default_factory=dict
    )  # old slug -> slug that now holds its articles
    notes: dict[str, list[str]] = field(
        default_factory=dict
    )  # story slug -> what the editor changed
    warnings: list[ConfigError] = field(default_factory=list)

    def warn(self, path: tuple, message: str) -> None:
        line = self.overrides.lines.get(path) or self.overrides.lines.get(path[:1])
        self.warnings.append(
            ConfigError(self.overrides.source, line, key_name(path), message, "warning")
        )

    def note(self, slug: str, message: str) -> None:
        self.notes.setdefault(slug, []).append(message)

    def merge(self, index: int, group: list[str]) -> None:
        present = [s for s in group if s in self.by_slug]
        for position, slug in enumerate(group):
            if slug not in self.by_slug:
                self.warn(
                    ("merge", index, position), f"no story '{slug}' in this build; nothing to merge"
                )
        if len(present) < 2:
            return
        keep, *others = present
        ids = list(self.by_slug[keep].article_ids)
        for other in others:
            ids.extend(self.by_slug.pop(other).article_ids)
            self.order.remove(other)
            self.redirects[other] = keep
            self.note(keep, f"merged with '{other}' by the editor ({self.overrides.source})")
        self.by_slug[keep] = self.remake(self.by_slug[keep], ids)

    def split(self, index: int, article_id: str) -> None:
        home = next((s for s in self.by_slug.values() if article_id in s.article_ids), None)
        if home is None:
            self.warn(
                ("split", index), f"no article '{article_id}' in this build; nothing to split"
            )
            return
        if len(home.article_ids) == 1:
            self.warn(("split", index), f"article '{article_id}' is already a story of its own")
            return
        self.by_slug[home.slug] = self.remake(
            home, [i for i in home.article_ids if i != article_id]
        )
        alone = self.new_story([article_id])
        self.by_slug[alone.slug] = alone
        self.order.insert(self.order.index(home.slug) + 1, alone.slug)
        self.note(
            home.slug,
            f"article '{article_id}' split out into '{alone.slug}' by the editor "
            f"({self.overrides.source})",
        )
        self.note(alone.slug, f"split out of '{home.slug}' by the editor")

    def retitle(self, slug: str, title: str) -> None:
        slug = self.redirects.get(slug, slug)
        if slug not in self.by_slug:
            self.warn(("retitle", slug), f"no story '{slug}' in this build; nothing to retitle")
            return
        self.by_slug[slug] = replace(self.by_slug[slug], title=title, title_derived=False)
        self.note(slug, f"retitled by the editor ({self.overrides.source})")

    def hide(self, index: int, slug: str) -> str | None:
        slug = self.redirects.get(slug, slug)
        if slug not in self.by_slug:
            self.warn(("hide", index), f"no story '{slug}' in this build; nothing to hide")
            return None
        return slug
