"""JSON Lines: one article per line, in the format of the evaluation corpus.

``{"id", "title", "text", "source", "date", "url", "label", ...}``, null where
unknown. A bad line is reported and skipped; the other lines still count.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from ..model import Article
from . import Note, ReadContext, ReaderError, register
from .metadata import article_fields


class LineError(ReaderError):
    """One line of a JSON Lines file is bad; the rest of the file is still read."""

    def __init__(self, line_number: int, message: str, item: dict | None = None):
        super().__init__(f"line {line_number}: {message}")
        self.line_number = line_number
        self.item = item  # the line's object, when it is one (an item without a text)


def iter_items(content: str) -> Iterator[tuple[int, dict | LineError]]:
    for number, line in enumerate(content.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            yield number, LineError(number, f"not JSON ({error.msg})")
            continue
        except RecursionError:
            yield number, LineError(number, "JSON nested too deeply to be an article")
            continue
        if not isinstance(item, dict):
            yield number, LineError(number, f"a JSON {type(item).__name__}, expected an object")
            continue
        yield number, item


@register(".jsonl", ".ndjson")
def read_jsonl(path: Path, content: str, ctx: ReadContext) -> Iterator[Article | LineError | Note]:
    for number, item in iter_items(content):
        if isinstance(item, LineError):
            yield item
            continue
        text = item.get("text")
        if not isinstance(text, str):
            yield LineError(number, "has no 'text' string", item)
            continue
        item_id = str(item.get("id") or f"{ctx.article_id}-{number}")
        meta = {k: v for k, v in item.items() if k not in ("id", "text")}
        repairs: list[str] = []
        fields, extras = article_fields(meta, "metadata", repairs)
        yield from (Note(message, where=f":{number}") for message in repairs)
        yield Article(
            id=item_id,
            text=text,
            origin=f"{ctx.origin}:{number}",
            extras=tuple(sorted(extras.items())),
            **fields,
        )
