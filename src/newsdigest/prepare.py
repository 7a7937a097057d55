"""The per-article stage: each article cleaned, split into sentences, ranked and
summarised, with the features the global stages compare (dedupe's shingles, the
grouper's names and numbers), on the executor's workers and through the article cache.

Everything here depends on one article alone, so it is done once per article (and
redone only for new or changed articles: see ``newsdigest.cache``); the global
stages read the features instead of extracting them again. Results come back in
input order, so the output is byte-identical whatever runs them.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import islice

import numpy as np

from .bounds import CUT_EXTRA, MAX_ARTICLE_CHARS, MAX_ARTICLE_SENTENCES, Cut, bound_text
from .cache import CacheConfig, entry_key, open_store, through_cache, usage
from .clean import bidi_fields, clean_article
from .dedupe import shingle_sets
from .executor import Executor
from .group import article_names
from .model import Article, CacheUse, Document, Problem, SentenceRef, Summary
from .nonarticle import NOT_AN_ARTICLE, non_article_reason
from .rankers import DEFAULT_RANKER, RANKERS
from .sentences import iter_sentences
from .summarise import Length, summarise_document

# Articles per task: large enough that sending a batch costs little next to
# processing it (~2 ms an article), small enough to spread evenly over the workers.
BATCH = 64


@dataclass(frozen=True)
class Prepared:
    """What the per-article stage makes of one article."""

    document: Document  # the cleaned article and its sentences
    scores: tuple[
        float, ...
    ]  # the default ranker's score of each sentence (the story summary reuses them)
    summary: Summary  # empty when no length was asked for
    names: tuple[str, ...]  # the grouper's names and numbers (group.article_names)
    shingles: np.ndarray = field(compare=False)  # dedupe's word 5-gram hashes (dedupe.shingle_sets)


def prepare_article(article: Article, length: Length | None) -> Prepared:
    """One article cleaned, cut to the bounds of ``newsdigest.bounds``, ranked and summarised."""
    text, cut_chars = bound_text(article.text)
    cleaned = clean_article(replace(article, text=text))
    sentences = tuple(islice(iter_sentences(cleaned.text), MAX_ARTICLE_SENTENCES + 1))
    cut = Cut(chars=cut_chars, sentences=len(sentences) > MAX_ARTICLE_SENTENCES)
    sentences = sentences[:MAX_ARTICLE_SENTENCES]
    # Only this stage says an article was cut: an input's own key of that name is dropped.
    extras = [pair for pair in cleaned.extras if pair[0] != CUT_EXTRA]
    if cut:
        extras = sorted([*extras, (CUT_EXTRA, cut.describe(len(sentences)))])
    document = Document(replace(cleaned, extras=tuple(extras)), sentences)
    scores = (
        tuple(float(x) for x in RANKERS[DEFAULT_RANKER](document.sentences))
        if document.sentences
        else ()
    )
    summary = (
        summarise_document(document, length, scores=scores)
        if document.sentences and length
        else Summary(())
    )
    return Prepared(
        document, scores, summary, article_names(document), np.zeros(0, dtype=np.uint32)
    )


def prepare_batch(articles: Sequence[Article], length: Length | None) -> list[Prepared]:
    prepared = [prepare_article(a, length) for a in articles]
    # Shingles for the whole batch at once: numpy's cost is mostly per call, not per article.
    return [
        replace(p, shingles=s)
        for p, s in zip(prepared, shingle_sets([p.document.article.text for p in prepared]))
    ]


@dataclass
class PerArticle:
    """The per-article stage's results for a build."""

    documents: list[Document]  # every article with text left, in input order
    features: dict[str, Prepared]  # by article id, for those documents
    prepared: list[Prepared]  # every article, in input order (those left empty too)
    problems: list[Problem]  # articles with nothing left after cleaning
    caches: list[CacheUse]


def prepare_articles(
    articles: Sequence[Article],
    length: Length | None = None,
    executor: Executor = Executor(),
    cache: CacheConfig | None = None,
    batch: int = BATCH,
) -> PerArticle:
    """Every article prepared, in input order; an article with no text left is reported, not kept.

    ``length``: the article summaries' length (None: no summaries, for callers that
    only need sentences and features).
    """
    settings_key = json.dumps(
        {
            "summary_sentences": length.sentences if length else None,
            "ranker": DEFAULT_RANKER,
            "bounds": [MAX_ARTICLE_CHARS, MAX_ARTICLE_SENTENCES],
        }
    )
    store = open_store(cache, "articles")

    def compute(indices: list[int]) -> Iterator[Prepared]:
        todo = [articles[i] for i in indices]
        return executor.map_batches(
            prepare_batch, [todo[i : i + batch] for i in range(0, len(todo), batch)], length
        )

    def load(payload: dict, i: int) -> Prepared:
        prepared = from_payload(payload)
        return replace(
            prepared,
            document=replace(
                prepared.document,
                article=replace(prepared.document.article, origin=articles[i].origin),
            ),
        )

    try:
        results = through_cache(
            store,
            lambda: [entry_key(a, settings_key) for a in articles],
            compute,
            len(articles),
            to_payload,
            load,
        )
    finally:
        if store:
            store.close()
    problems = [
        Problem(
            article.origin,
            f"bidirectional control characters removed from its {' and '.join(fields)}".replace(
                "source", "outlet"
            ),
            "repaired",
        )
        for article in articles
        if (fields := bidi_fields(article))
    ] + [
        Problem(article.origin, f"long article: summarised from {read}", "warning")
        for article, prepared in zip(articles, results)
        if (read := prepared.document.article.extra(CUT_EXTRA))
    ]
    kept = []
    for article, prepared in zip(articles, results):
        if not prepared.document.sentences:
            problems.append(Problem(article.origin, "no text left after removing boilerplate"))
            continue
        reason = non_article_reason(prepared.document.sentences)
        if reason:
            problems.append(Problem(article.origin, NOT_AN_ARTICLE + reason))
            continue
        kept.append(prepared)
    return PerArticle(
        [p.document for p in kept],
        {p.document.id: p for p in kept},
        results,
        problems,
        usage("article", store),
    )


# --- the cache entry of a prepared article -----------------------------------------


def _article_to_json(article: Article) -> dict:
    return {
        "id": article.id,
        "text": article.text,
        "origin": article.origin,
        "title": article.title,
        "title_derived": article.title_derived,
        "source": article.source,
        "date": article.date.isoformat() if article.date else None,
        "date_only": article.date_only,
        "url": article.url,
        "author": article.author,
        "language": article.language,
        "extras": [list(pair) for pair in article.extras],
    }


def _article_from_json(data: dict) -> Article:
    return Article(
        id=data["id"],
        text=data["text"],
        origin=data["origin"],
        title=data["title"],
        title_derived=bool(data["title_derived"]),
        source=data["source"],
        date=datetime.fromisoformat(data["date"]) if data["date"] else None,
        date_only=bool(data["date_only"]),
        url=data["url"],
        author=data["author"],
        language=data["language"],
        extras=tuple((str(k), str(v)) for k, v in data["extras"]),
    )


def to_payload(prepared: Prepared) -> dict:
    document = prepared.document
    return {
        "article": _article_to_json(document.article),
        "sentences": list(document.sentences),
        "summary": [ref.index for ref in prepared.summary.sentences],
        "scores": list(prepared.scores),
        "names": list(prepared.names),
        # uint32 little-endian, base64: a tenth of the size of a JSON list of numbers.
        "shingles": base64.b64encode(prepared.shingles.astype("<u4").tobytes()).decode("ascii"),
    }


def from_payload(data: dict) -> Prepared:
    article = _article_from_json(data["article"])
    sentences = tuple(str(s) for s in data["sentences"])
    refs = tuple(SentenceRef(article.id, int(i), sentences[int(i)]) for i in data["summary"])
    shingles = np.frombuffer(base64.b64decode(data["shingles"], validate=True), dtype="<u4").astype(
        np.uint32
    )
    return Prepared(
        Document(article, sentences),
        tuple(float(x) for x in data["scores"]),
        Summary(refs),
        tuple(str(n) for n in data["names"]),
        shingles,
    )
