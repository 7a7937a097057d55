"""The per-article stages (clean, sentences, summary) on one core, several, or a Dask cluster.

Each article is processed on its own (a summary depends only on its article), so
the work splits into batches that any process can run; results come back in input
order, so the output is identical whatever runs them. Cached articles are never
sent out (see ``newsdigest.cache``); only the main process reads and writes the cache,
so Dask workers need no shared disk.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .cache import ArticleCache, Prepared
from .clean import clean_article
from .model import Article, Document, Summary
from .sentences import split_sentences
from .summarise import DEFAULT_RANKER, Length, summarise_document

# Articles per task: large enough that sending a batch costs little next to
# processing it (~10 ms an article), small enough to spread evenly over the workers.
BATCH = 64


def prepare_article(article: Article, length: Length | None) -> Prepared:
    cleaned = clean_article(article)
    sentences = tuple(split_sentences(cleaned.text))
    document = Document(cleaned, sentences)
    summary = summarise_document(document, length) if sentences and length else Summary(())
    return Prepared(cleaned, sentences, summary)


def prepare_batch(articles: Sequence[Article], length: Length | None) -> list[Prepared]:
    return [prepare_article(a, length) for a in articles]


@dataclass
class ArticleWork:
    """How to run the per-article stages, and what they produced in this build.

    ``jobs``: worker processes (1 = in this process). ``scheduler``: a Dask scheduler
    address (``tcp://host:8786``), which takes precedence over ``jobs``.
    ``cache_dir``: the article cache, or None for no cache.
    """

    summary_sentences: int | None = None  # None: no summaries (a caller that only needs sentences)
    jobs: int = 1
    scheduler: str | None = None
    cache_dir: Path | None = None
    batch: int = BATCH
    summaries: dict[str, Summary] = field(default_factory=dict)
    cache_stats: tuple[int, int, int] | None = None  # (hits, misses, rebuilt) of the last prepare

    @property
    def length(self) -> Length | None:
        return Length(sentences=self.summary_sentences) if self.summary_sentences else None

    def settings_key(self) -> str:
        return json.dumps({"summary_sentences": self.summary_sentences, "ranker": DEFAULT_RANKER})

    def prepare(self, articles: Sequence[Article]) -> list[Prepared]:
        """Every article prepared, in input order; summaries are kept for ``summary_for``."""
        cache = ArticleCache(self.cache_dir, self.settings_key()) if self.cache_dir else None
        results: list[Prepared | None] = [None] * len(articles)
        keys: list[str | None] = [None] * len(articles)
        todo = []
        for i, article in enumerate(articles):
            if cache:
                keys[i] = cache.key(article)
                results[i] = cache.load(keys[i], article.origin)
            if results[i] is None:
                todo.append(i)
        for i, prepared in zip(todo, self._run([articles[i] for i in todo])):
            results[i] = prepared
            if cache:
                cache.store(keys[i], prepared)
        self.cache_stats = (cache.hits, cache.misses, cache.rebuilt) if cache else None
        if self.length:
            for prepared in results:
                self.summaries[prepared.article.id] = prepared.summary
        return results

    def _run(self, articles: list[Article]) -> list[Prepared]:
        batches = [articles[i:i + self.batch] for i in range(0, len(articles), self.batch)]
        if self.scheduler:
            return _flatten(_run_dask(self.scheduler, batches, self.length))
        if not articles:
            return []
        if self.jobs <= 1 or len(batches) <= 1:
            return prepare_batch(articles, self.length)
        with ProcessPoolExecutor(max_workers=min(self.jobs, len(batches))) as pool:
            return _flatten(pool.map(prepare_batch, batches, [self.length] * len(batches)))

    def summary_for(self, document: Document, length: Length) -> Summary:
        """The summary made in ``prepare`` when it was made at this length, else a fresh one."""
        if length == self.length and document.id in self.summaries:
            return self.summaries[document.id]
        return summarise_document(document, length)


def _flatten(batches) -> list[Prepared]:
    return [item for batch in batches for item in batch]


def _run_dask(address: str, batches: list[list[Article]], length: Length | None) -> list[list[Prepared]]:
    try:
        from distributed import Client
    except ImportError:
        raise SchedulerError("--scheduler needs Dask: pip install 'newsdigest[dask]'") from None
    try:
        client = Client(address, timeout="10s")
    except (OSError, TimeoutError) as error:
        raise SchedulerError(f"cannot reach the Dask scheduler at {address}: {error}") from None
    with client:
        futures = client.map(prepare_batch, batches, length=length, pure=False)
        return client.gather(futures)


class SchedulerError(Exception):
    """The Dask scheduler cannot be used (not installed, not reachable)."""
