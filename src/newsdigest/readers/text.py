"""Plain text articles (``.txt``), the ``seeds/`` format.

A text file carries no metadata of its own; a sidecar manifest (``sources.yml``
in the same folder) may give title, outlet, date and URL per file name.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..model import Article
from . import Note, ReadContext, register
from .metadata import article_fields


@register(".txt", ".text")
def read_text(path: Path, content: str, ctx: ReadContext) -> Iterator[Article | Note]:
    repairs: list[str] = []
    fields, extras = article_fields(ctx.metadata, f"manifest entry for {path.name}", repairs)
    yield from (Note(message) for message in repairs)
    yield Article(
        id=ctx.article_id,
        text=content,
        origin=ctx.origin,
        extras=tuple(sorted(extras.items())),
        **fields,
    )
