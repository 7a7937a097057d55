"""Gold data in the format of the evaluation corpus (``../shared/corpus/``).

Articles: JSON Lines ``{"id", "title", "text", ..., "label", "summary",
"summary_sentences", "duplicate_of", "is_boilerplate"}``. Stories (Multi-News):
``clusters.jsonl`` with ``{"label", "summary", "article_ids"}``.

Articles are read, cleaned and split exactly as the site build does (the same
ingest and per-article stage); the gold fields (references, labels, flags) come
from the same lines, read with the same JSON Lines parser.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import EXIT_USAGE, NewsdigestError
from ..ingest import ingest
from ..model import Article, Document, Problem
from ..prepare import prepare_articles
from ..readers.jsonl import LineError, iter_items
from ..sentences import split_sentences

# Rows the corpus flags as not worth scoring: exact duplicates of an earlier row,
# and scraped boilerplate (Twitter embed notices, crawl notices, stubs).
FLAG_FIELDS = ("duplicate_of", "is_boilerplate")


class EvalDataError(NewsdigestError):
    """The gold data cannot be used; the message names the file and line."""

    def lines(self) -> list[str]:
        return [f"error: {self}"]


class MissingLabels(EvalDataError):
    """Some articles carry no gold label to score them against."""

    exit_code = EXIT_USAGE

    def lines(self) -> list[str]:
        return [str(self)]


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
    try:
        content = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise EvalDataError(f"{path}: cannot be read: {error.strerror}") from None
    except UnicodeDecodeError:
        raise EvalDataError(f"{path}: not UTF-8 text; expected JSON Lines") from None
    rows = []
    for number, item in iter_items(content):
        if isinstance(item, LineError):
            reason = str(item).split(": ", 1)[1]
            expected = (
                "; expected an object"
                if reason.endswith(", expected an object")
                else "; expected one object a line"
            )
            raise EvalDataError(
                f"{path}:{number}: {reason.removesuffix(', expected an object')}{expected}"
            )
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
    rows = read_jsonl(path)
    for number, row in rows:
        if not isinstance(row.get("text"), str) or "id" not in row:
            raise EvalDataError(f"{path}:{number}: needs an 'id' and a 'text' string")
    read = ingest([path])
    per_article = prepare_articles(read.articles)
    return [
        GoldArticle(row, prepared.document, reference_sentences(row))
        for (_, row), prepared in zip(rows, per_article.prepared)
    ]


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
        stories.append(
            GoldStory(str(row["label"]), reference_sentences(row), tuple(str(i) for i in ids))
        )
    return stories


@dataclass(frozen=True)
class GoldDocuments:
    """Labelled articles as the build's story stage sees them."""

    documents: list[Document]
    names: list[tuple[str, ...]]  # each document's names and numbers (the grouper's feature)
    labels: list[str]
    skipped: list[Problem]  # articles with nothing left after cleaning: not scored

    def note(self, data: Path) -> str | None:
        """What was not scored, for the reader of the figures."""
        if not self.skipped:
            return None
        skipped = len(self.skipped)
        return f"{data}: {skipped} article(s) skipped and not scored (e.g. {self.skipped[0]})"


def not_boilerplate(article: Article) -> bool:
    """False for a row the corpus flags ``is_boilerplate`` (scraped notices, stubs)."""
    return article.extra("is_boilerplate") not in ("True", "true", "1")


def gold_labels(documents: Sequence[Document], data: Path) -> list[str]:
    """Each document's gold ``label``; MissingLabels when one has none."""
    missing = [d.id for d in documents if d.article.extra("label") is None]
    if missing:
        raise MissingLabels(
            f"{data}: {len(missing)} article(s) have no 'label' (e.g. {missing[0]}); "
            "expected a gold label on every line"
        )
    return [str(d.article.extra("label")) for d in documents]


def gold_documents(data: Path, skip_flagged: bool = False) -> GoldDocuments:
    """Every labelled article of ``data`` (without rows flagged as boilerplate, if asked)."""
    read = ingest([data])
    articles = [a for a in read.articles if not skip_flagged or not_boilerplate(a)]
    per_article = prepare_articles(articles)
    documents = per_article.documents
    return GoldDocuments(
        documents,
        [per_article.features[d.id].names for d in documents],
        gold_labels(documents, data),
        per_article.problems,
    )


def story_documents(
    gold: Sequence[GoldArticle], stories: Sequence[GoldStory], by_field: str
) -> list[list[Document]]:
    """Each gold story's articles, in the order the site puts a story's articles (oldest first,
    then id)."""
    from ..stories import date_key

    members: dict[str, list[Document]] = {}
    for article in gold:
        members.setdefault(str(article.row.get(by_field)), []).append(article.document)
    return [sorted(members.get(s.label, []), key=lambda d: date_key(d.article)) for s in stories]
