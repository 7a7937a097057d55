"""Reading gold data in the format of the evaluation corpus (``../shared/corpus/``).

Articles: JSON Lines ``{"id", "title", "text", ..., "label", "summary",
"summary_sentences", "duplicate_of", "is_boilerplate"}``. Stories (Multi-News):
``clusters.jsonl`` with ``{"label", "summary", "article_ids"}``.

Articles are read, cleaned and split exactly as the site build does (the same
ingest and ``prepare_documents``), so an evaluation measures what readers get.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .model import Article, Document
from .sentences import split_sentences

# Rows the corpus flags as not worth scoring: exact duplicates of an earlier row,
# and scraped boilerplate (Twitter embed notices, crawl notices, stubs).
FLAG_FIELDS = ("duplicate_of", "is_boilerplate")


class EvalDataError(Exception):
    """The gold data cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class GoldArticle:
    """One article of the gold data with its reference (sentences; may be empty)."""

    row: dict
    document: Document  # as the build sees it (no sentences if nothing was left)
    reference: tuple[str, ...]

    @property
    def id(self) -> str:
        return self.document.id

    @property
    def flagged(self) -> bool:
        return any(self.row.get(name) for name in FLAG_FIELDS)


def read_jsonl(path: Path) -> list[tuple[int, dict]]:
    """(line number, object) for each non-blank line; EvalDataError on a bad line."""
    rows = []
    try:
        lines = Path(path).read_text(encoding="utf-8").split("\n")
    except OSError as error:
        raise EvalDataError(f"{path}: cannot be read: {error.strerror}") from None
    except UnicodeDecodeError:
        raise EvalDataError(f"{path}: not UTF-8 text; expected JSON Lines") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            raise EvalDataError(f"{path}:{number}: not JSON ({error.msg}); expected one object a line") from None
        if not isinstance(item, dict):
            raise EvalDataError(f"{path}:{number}: a JSON {type(item).__name__}; expected an object")
        rows.append((number, item))
    return rows


def reference_sentences(row: dict) -> tuple[str, ...]:
    """The reference summary as sentences: ``summary_sentences``, else ``summary`` split."""
    given = row.get("summary_sentences")
    if isinstance(given, list) and all(isinstance(s, str) for s in given):
        return tuple(s.strip() for s in given if s.strip())
    summary = row.get("summary")
    return tuple(split_sentences(summary)) if isinstance(summary, str) else ()


def load_articles(path: Path) -> list[GoldArticle]:
    """Every article of a gold JSON Lines file, in file order, prepared as in the build."""
    from .clean import clean_article
    from .readers.metadata import article_fields

    gold = []
    for number, row in read_jsonl(path):
        text = row.get("text")
        if not isinstance(text, str) or "id" not in row:
            raise EvalDataError(f"{path}:{number}: needs an 'id' and a 'text' string")
        meta = {k: v for k, v in row.items() if k in ("title", "source")}
        fields, _ = article_fields(meta, f"line {number}")
        article = clean_article(Article(id=str(row["id"]), text=text, origin=f"{path}:{number}", **fields))
        document = Document(article, tuple(split_sentences(article.text)))
        gold.append(GoldArticle(row, document, reference_sentences(row)))
    return gold


@dataclass(frozen=True)
class GoldStory:
    label: str
    reference: tuple[str, ...]
    article_ids: tuple[str, ...]


def load_stories(path: Path) -> list[GoldStory]:
    """Gold stories (``clusters.jsonl``), in file order."""
    stories = []
    for number, row in read_jsonl(path):
        ids = row.get("article_ids")
        if "label" not in row or not isinstance(ids, list):
            raise EvalDataError(f"{path}:{number}: needs 'label' and an 'article_ids' list")
        stories.append(GoldStory(str(row["label"]), reference_sentences(row), tuple(str(i) for i in ids)))
    return stories
