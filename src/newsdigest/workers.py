"""The per-article stages (clean, sentences, summary) on one core, several, or a Dask cluster.

Each article is processed on its own (a summary depends only on its article), so
the work splits into batches that any process can run; results come back in input
order, so the output is identical whatever runs them. Cached articles are never
sent out (see ``newsdigest.cache``); only the main process reads and writes the cache,
so Dask workers need no shared disk.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from threadpoolctl import threadpool_limits

from .cache import ArticleCache, Prepared, Store, decode, encode, group_key
from .clean import clean_article
from .features import names_and_numbers, shingle_sets, titled_text
from .model import Article, Document, Summary
from .sentences import split_sentences
from .summarise import DEFAULT_RANKER, RANKERS, Length, summarise_document

# Articles per task: large enough that sending a batch costs little next to
# processing it (~2 ms an article), small enough to spread evenly over the workers.
BATCH = 64


def one_blas_thread():
    """OpenBLAS (numpy's matrix products) at one thread in this process.

    The per-article ranker multiplies matrices of a few dozen sentences; OpenBLAS
    still hands them to its thread pool, whose threads spin while they wait. With
    ``--jobs 2`` on 2 cores each worker's BLAS threads fought the other worker for
    the cores: one thread each took the 10,000-article per-article stage from 16.5 s
    (31.6 s of CPU) to 10.8 s (20.7 s of CPU), the same output. Dask's workers are
    started with one BLAS thread already. As a context manager it restores the limit.
    """
    return threadpool_limits(limits=1, user_api="blas")


def prepare_article(article: Article, length: Length | None) -> Prepared:
    cleaned = clean_article(article)
    sentences = tuple(split_sentences(cleaned.text))
    scores = tuple(float(x) for x in RANKERS[DEFAULT_RANKER](sentences)) if sentences else ()
    document = Document(cleaned, sentences, scores)
    summary = summarise_document(document, length) if sentences and length else Summary(())
    names = tuple(names_and_numbers(titled_text(cleaned, sentences), fold=False))
    return Prepared(cleaned, sentences, summary, scores, names)


def prepare_batch(articles: Sequence[Article], length: Length | None) -> list[Prepared]:
    prepared = [prepare_article(a, length) for a in articles]
    # Shingles for the whole batch at once: numpy's cost is mostly per call, not per article.
    return [replace(p, shingles=s) for p, s in zip(prepared, shingle_sets([p.article.text for p in prepared]))]


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
    removed_old_caches: list[Path] = field(default_factory=list)  # an earlier version's cache folders, deleted
    story_cache_stats: dict[str, tuple[int, int, int]] = field(default_factory=dict)

    @property
    def length(self) -> Length | None:
        return Length(sentences=self.summary_sentences) if self.summary_sentences else None

    def settings_key(self) -> str:
        return json.dumps({"summary_sentences": self.summary_sentences, "ranker": DEFAULT_RANKER})

    def prepare(self, articles: Sequence[Article]) -> list[Prepared]:
        """Every article prepared, in input order; summaries are kept for ``summary_for``."""
        cache = ArticleCache(self.cache_dir, self.settings_key()) if self.cache_dir else None
        if cache and cache.removed_old_layout:
            self.removed_old_caches.append(self.cache_dir / "articles")
        results: list[Prepared | None] = [None] * len(articles)
        keys: list[str | None] = [None] * len(articles)
        todo = []
        try:
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
        finally:
            if cache:
                cache.close()
        self.cache_stats = (cache.hits, cache.misses, cache.rebuilt) if cache else None
        if self.length:
            for prepared in results:
                self.summaries[prepared.article.id] = prepared.summary
        return results

    def _run(self, articles: list[Article]) -> Iterator[Prepared]:
        """Each article prepared, in order, as soon as its batch is done: the caller
        stores each result in the cache while the workers go on with the next batches."""
        batches = [articles[i:i + self.batch] for i in range(0, len(articles), self.batch)]
        if self.scheduler:
            yield from _flatten(_run_dask(self.scheduler, batches, self.length))
        elif self.jobs <= 1 or len(batches) <= 1:
            with one_blas_thread():
                for batch in batches:
                    yield from prepare_batch(batch, self.length)
        else:
            with ProcessPoolExecutor(max_workers=min(self.jobs, len(batches)), initializer=one_blas_thread) as pool:
                for batch in pool.map(prepare_batch, batches, [self.length] * len(batches)):
                    yield from batch

    def per_story(self, function: Callable, groups: Sequence[Sequence[Document]], *arguments) -> list:
        """``function(documents, *arguments)`` for each group of documents (a story), in order.

        For story-level values that depend only on their documents (story summaries,
        exclusive sentences): results come from the cache when it holds one for exactly
        these documents (content and order) and arguments; the rest run on the workers.
        ``function`` must be a module-level function, so other processes can run it.
        """
        name = f"{function.__module__}.{function.__qualname__}"
        store = Store(self.cache_dir / "stories") if self.cache_dir else None
        if store and store.removed_old_layout:
            self.removed_old_caches.append(self.cache_dir / "stories")
        results: list = [None] * len(groups)
        keys: list[str | None] = [None] * len(groups)
        todo = []
        try:
            for i, documents in enumerate(groups):
                if store:
                    keys[i] = group_key(name, documents, arguments)
                    cached = store.get(keys[i], decode)
                    if cached is not None:
                        results[i] = cached[0]
                        continue
                todo.append(i)
            for i, value in zip(todo, self._map(function, [groups[i] for i in todo], arguments)):
                results[i] = value
                if store:
                    store.put(keys[i], encode([value]))
        finally:
            if store:
                store.close()
        if store:
            self.story_cache_stats[name] = store.stats
        return results

    def _map(self, function: Callable, groups: list, arguments: tuple) -> list:
        if not groups:
            return []
        if self.scheduler:
            return _run_dask_calls(self.scheduler, function, groups, arguments)
        if self.jobs <= 1 or len(groups) < 2 * self.jobs:
            with one_blas_thread():
                return [function(documents, *arguments) for documents in groups]
        with ProcessPoolExecutor(max_workers=self.jobs, initializer=one_blas_thread) as pool:
            chunk = max(1, len(groups) // (8 * self.jobs))
            return list(pool.map(function, groups, *[[a] * len(groups) for a in arguments], chunksize=chunk))

    def summary_for(self, document: Document, length: Length) -> Summary:
        """The summary made in ``prepare`` when it was made at this length, else a fresh one."""
        if length == self.length and document.id in self.summaries:
            return self.summaries[document.id]
        return summarise_document(document, length)


def _flatten(batches) -> list[Prepared]:
    return [item for batch in batches for item in batch]


def _client(address: str):
    try:
        from distributed import Client
    except ImportError:
        raise SchedulerError("--scheduler needs Dask: pip install 'newsdigest[dask]'") from None
    try:
        return Client(address, timeout="10s")
    except (OSError, TimeoutError) as error:
        raise SchedulerError(f"cannot reach the Dask scheduler at {address}: {error}") from None


def _run_dask(address: str, batches: list[list[Article]], length: Length | None) -> list[list[Prepared]]:
    with _client(address) as client:
        return client.gather(client.map(prepare_batch, batches, length=length, pure=False))


def _run_dask_calls(address: str, function: Callable, groups: list, arguments: tuple) -> list:
    with _client(address) as client:
        return client.gather(client.map(function, groups, *[[a] * len(groups) for a in arguments], pure=False))


class SchedulerError(Exception):
    """The Dask scheduler cannot be used (not installed, not reachable)."""
