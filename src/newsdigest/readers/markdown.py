"""Markdown articles with optional YAML front matter (``---`` fenced)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import yaml

from .. import safe_yaml
from ..model import Article
from . import Note, ReadContext, ReaderError, register
from .metadata import article_fields


def split_front_matter(content: str) -> tuple[dict, str, int]:
    """Return (front matter mapping, body, line number where the body starts)."""
    if not content.startswith("---"):
        return {}, content, 1
    lines = content.split("\n")
    if lines[0].strip() != "---":
        return {}, content, 1
    for end in range(1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            break
    else:
        raise ReaderError("front matter starts with '---' on line 1 but has no closing '---'")
    block = "\n".join(lines[1:end])
    try:
        try:
            data = safe_yaml.safe_load(block) or {}
        except ValueError:
            # A YAML timestamp that is no real date ("2025-02-31") fails while loading;
            # read every value as text instead, so the date check can name and drop it.
            data = safe_yaml.base_load(block) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f" on line {mark.line + 2}" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise ReaderError(f"front matter is not valid YAML{line}: {problem}") from None
    if not isinstance(data, dict):
        raise ReaderError(f"front matter is a {type(data).__name__}, expected key: value pairs")
    return data, "\n".join(lines[end + 1 :]), end + 2


@register(".md", ".markdown")
def read_markdown(path: Path, content: str, ctx: ReadContext) -> Iterator[Article | Note]:
    front, body, _ = split_front_matter(content)
    repairs: list[str] = []
    fields, extras = article_fields({**ctx.metadata, **front}, "front matter", repairs)
    yield from (Note(message) for message in repairs)
    yield Article(
        id=ctx.article_id,
        text=body,
        origin=ctx.origin,
        extras=tuple(sorted(extras.items())),
        **fields,
    )
