"""Group: articles from different outlets about the same event become one story.

Articles are compared on three TF-IDF views joined into one vector:
- words (unigrams and bigrams) of the title and text: what the article is about;
- names and numbers (capitalised words inside sentences, figures, years): what
  tells one prison escape, earthquake or round of talks from the next;
- character n-grams within words of the title and lead: names spelt or
  transliterated differently ("Ahmad al-Shareh" / "Ahmed al-Sharaa") still share
  most of their n-grams.

Similarity is judged relative to each article's neighbourhood: a cosine of 0.3 is
strong among unrelated news and weak inside a busy topic where every article
shares the vocabulary. Each article's *local scale* is the mean similarity of its
nearest neighbours, and an edge's weight is its cosine divided by the mean scale
of its two ends.

Stories are then built by average-link merging on that sparse graph: two stories
join when the mean weight over all their article pairs (a missing edge counts as
0) reaches the threshold. Unlike single link, one article that resembles two
events cannot chain them together. Dated stories more than ``max_days_apart``
apart never join.

Scale: only the top ``neighbours`` of each article are kept, found with blocked
sparse products (at most ``BLOCK_PAIRS`` similarities at a time, and only between
articles dated within ``max_days_apart`` of each other), so memory grows with
n x neighbours, never n x n.
"""

from __future__ import annotations

import heapq
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from sklearn.preprocessing import normalize

from .features import fold_name, names_and_numbers, titled_text
from .model import Document
from .ngrams import char_ngram_counts, tfidf, tokens, word_ngram_counts

# Character n-grams are costly on long texts; names sit in the title and lead.
CHAR_LEAD_SENTENCES = 10
# Rows per sparse product, so that one product holds at most BLOCK_PAIRS similarities
# (about 12 bytes each): memory stays bounded however many articles come in.
BLOCK_PAIRS = 20_000_000
# Features in more than this share of articles weigh little yet cost the most in the
# sparse product (each one pairs every article holding it): dropped.
MAX_DF = 0.5
# Neighbour search: features in more than this share of articles are left out of the
# candidate search and added back when the candidates are ranked (nearest_neighbours).
SEARCH_MAX_DF = 0.05
SEARCH_CANDIDATES = 2  # candidates per neighbour kept
# Threads for the numpy and scipy work that releases the GIL: the character view beside
# the others, and the blocked sparse products (each holds one block's product in memory).
THREADS = min(2, os.cpu_count() or 1)
# Below this many articles the exact search is cheap, and a "common" feature (in 5% of a
# few dozen articles) may be what a pair shares: exact search only.
SEARCH_MIN_ARTICLES = 1000


# The defaults were chosen on both development sets at once (ECB+ and Multi-News; one
# setting for both). ECB+ stories of 10-20 articles need a threshold of at most about 0.6:
# not all their pairs are among each other's 20 neighbours, and missing pairs count as 0.
# Multi-News stays at 89-91 B-cubed F1 for any threshold from 0.45 to 1.2 and any scale
# over 3-20 neighbours; its errors are pages that share no words with their story and
# same-topic events years apart (no dates in that set), which no setting here can fix.
# BENCHMARKS.md ("Stories and topics") has the numbers and what else was tried.
@dataclass(frozen=True)
class GroupSettings:
    threshold: float = 0.6  # mean relative similarity at which two stories merge
    min_similarity: float = 0.12  # cosine below which two articles are never linked
    neighbours: int = 20  # candidate neighbours kept per article
    scale_neighbours: int = 10  # neighbours whose mean similarity is an article's local scale
    min_scale: float = 0.05  # floor of the local scale (an article with no neighbours at all)
    max_days_apart: int = 7  # dated articles further apart than this are different events
    word_weight: float = 0.5
    name_weight: float = 0.5
    char_weight: float = 0.15


@dataclass(frozen=True)
class Join:
    """One merge of two stories: why the articles ended up together (for ``explain``)."""

    left: tuple[int, ...]  # article indices of the two stories merged
    right: tuple[int, ...]
    mean: float  # mean relative similarity over all their pairs (the merge criterion)
    pair: tuple[int, int]  # the most similar article pair across the two stories
    cosine: float  # that pair's cosine similarity


@dataclass(frozen=True)
class Grouping:
    clusters: list[list[int]]  # document indices, each sorted, in order of first member
    joins: list[Join] = field(default_factory=list)  # in merge order


def _full_text(document: Document) -> str:
    return titled_text(document.article, document.sentences)


def document_names(document: Document) -> tuple[str, ...]:
    """Names and numbers of the title and text as written: cached by the per-article stage
    (``Document.names``), else found here."""
    if document.names is not None:
        return document.names
    return tuple(names_and_numbers(_full_text(document), fold=False))


def _folded_names(documents: Sequence[Document]) -> list[list[str]]:
    folded: dict[str, str] = {}  # a name recurs across articles: fold each spelling once
    return [[folded.get(t) or folded.setdefault(t, fold_name(t)) for t in document_names(d)] for d in documents]


def _lead_text(document: Document) -> str:
    return titled_text(document.article, document.sentences[:CHAR_LEAD_SENTENCES])


def _max_df(n: int) -> float:
    return MAX_DF if n >= 20 else 1.0  # a handful of articles: every word may matter


def document_vectors(documents: Sequence[Document], settings: GroupSettings = GroupSettings()
                     ) -> sp.csr_matrix:
    """One L2-normalised row per document: the weighted views side by side."""
    texts = [_full_text(d) for d in documents]
    max_df = _max_df(len(texts))
    # Hashed n-gram counts (newsdigest.ngrams), weighted as scikit-learn's
    # TfidfVectorizer(sublinear_tf=True, max_df=...) would: its Python n-gram loop
    # was most of the grouping time at 10,000 articles.
    # Each view is weighted as soon as it is counted, and scaled in place: at 50,000
    # articles a copy of the vectors is most of a gigabyte.
    def words():
        return _view(word_ngram_counts((tokens(t, ENGLISH_STOP_WORDS) for t in texts), (1, 2)), max_df,
                     settings.word_weight)

    def names():
        return _view(word_ngram_counts(_folded_names(documents)), max_df, settings.name_weight)

    def characters():
        # 2**24 buckets for the ~170,000 distinct n-grams of 10,000 leads: cosines move by
        # at most 0.005, and the table is three times faster than sorting 30 million hashes.
        return _view(char_ngram_counts([_lead_text(d) for d in documents], buckets=2**24), max_df,
                     settings.char_weight)

    # The character view is numpy work on long arrays, which releases the GIL: it runs on
    # a thread beside the word and name views (Python tokenising, mostly).
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        pending = pool.submit(characters) if settings.char_weight else None
        views = [words(), names()] + ([pending.result()] if pending else [])
    views = [(m, w) for m, w in views if m.nnz]  # a view with no terms at all says nothing
    if not views:  # nothing comparable: every article is its own story
        return sp.csr_matrix((len(documents), 1), dtype=np.float32)
    total = sum(weight for _, weight in views)
    for matrix, weight in views:
        matrix.data *= np.float32(np.sqrt(weight / total))
    joined = sp.hstack([m for m, _ in views], format="csr")
    del views
    return normalize(joined, copy=False)


def _view(counts: sp.csr_matrix, max_df: float, weight: float) -> tuple[sp.csr_matrix, float]:
    return tfidf(counts, max_df), weight  # tfidf's rows are L2-normalised already


def _too_far_apart(first: datetime | None, last: datetime | None, other_first: datetime | None,
                   other_last: datetime | None, max_days: int) -> bool:
    if first is None or other_first is None:
        return False
    span = max(last, other_last) - min(first, other_first)
    return span.days > max_days


def nearest_neighbours(vectors: sp.csr_matrix, k: int, dates: Sequence[datetime | None] = (),
                       max_days: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Top-``k`` neighbours of each row by cosine: (indices, similarities), both n x k.

    Missing neighbours are -1 with similarity 0. Two passes, for speed at scale:
    candidates (``SEARCH_CANDIDATES`` times ``k``) are found on the features that are
    rare enough to tell stories apart, then ranked by their exact cosine, the
    common features' share added pair by pair. The common features (a character
    n-gram such as "tion" is in most leads) made almost every pair of articles a
    non-zero product and most of the grouping time. On the 10,000-article bench
    corpus, against an exact search of every pair in the window, 207 of the 71,558
    links that reach ``min_similarity`` are missed and the stories are the same.
    """
    n = vectors.shape[0]
    frequency = np.bincount(vectors.indices, minlength=vectors.shape[1])
    common = frequency > SEARCH_MAX_DF * n
    if not common.any() or n < SEARCH_MIN_ARTICLES or n <= SEARCH_CANDIDATES * k:
        return _top_k(vectors, k, dates, max_days)
    rare = vectors.copy()
    rare.data[common[rare.indices]] = 0
    rare.eliminate_zeros()
    candidates, partial = _top_k(rare, SEARCH_CANDIDATES * k, dates, max_days)
    exact = partial + pair_products(vectors[:, np.flatnonzero(common)].tocsr(), candidates)
    indices = np.full((n, k), -1, dtype=np.int64)
    sims = np.zeros((n, k), dtype=np.float32)
    for i in range(n):
        found = candidates[i] >= 0
        _keep_ranked(indices, sims, i, candidates[i][found], exact[i][found], k)
    return indices, sims


def _keep_ranked(indices: np.ndarray, sims: np.ndarray, i: int, cols: np.ndarray, vals: np.ndarray,
                 k: int) -> None:
    """Row ``i`` of the neighbour table: the best ``k`` of ``cols`` by similarity, ties by index
    (so the table does not depend on the order the candidates came in)."""
    ranked = np.lexsort((cols, -vals))[:k]
    indices[i, :len(ranked)] = cols[ranked]
    sims[i, :len(ranked)] = vals[ranked]


def pair_products(vectors: sp.csr_matrix, candidates: np.ndarray) -> np.ndarray:
    """``out[i, s]``: the product of row ``i`` with row ``candidates[i, s]`` (0 where that is -1).

    Each pair is computed once however many times it is listed (i near j and j near i),
    row by row: row ``i`` is spread into a dense scratch vector and the rows paired with
    it are gathered against it, which is several times faster than multiplying
    sparse rows pair by pair, and needs one dense row of memory.
    """
    n, slots = candidates.shape
    rows = np.repeat(np.arange(n, dtype=np.int64), slots)
    others = candidates.ravel().astype(np.int64)
    listed = others >= 0
    low, high = np.minimum(rows, others)[listed], np.maximum(rows, others)[listed]
    keys = np.unique(low * n + high)  # sorted: grouped by first row
    first, second = keys // n, keys % n
    values = np.zeros(len(keys), dtype=np.float32)
    scratch = np.zeros(vectors.shape[1], dtype=np.float32)
    indptr, indices, data = vectors.indptr, vectors.indices, vectors.data
    bounds = np.flatnonzero(np.diff(first, prepend=-1, append=n + 1))
    for start, end in zip(bounds[:-1], bounds[1:]):
        i = first[start]
        columns = indices[indptr[i]:indptr[i + 1]]
        scratch[columns] = data[indptr[i]:indptr[i + 1]]
        partners = second[start:end]
        starts, lengths = indptr[partners], indptr[partners + 1] - indptr[partners]
        offsets = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        positions = np.arange(lengths.sum()) + np.repeat(starts - offsets, lengths)
        # A trailing 0 keeps every offset a valid index when the last rows are empty.
        products = np.append(scratch[indices[positions]] * data[positions], np.float32(0))
        values[start:end] = np.where(lengths > 0, np.add.reduceat(products, offsets), 0)
        scratch[columns] = 0
    out = np.zeros(n * slots, dtype=np.float32)
    out[listed] = values[np.searchsorted(keys, low * n + high)]
    return out.reshape(n, slots)


def _top_k(vectors: sp.csr_matrix, k: int, dates: Sequence[datetime | None] = (),
           max_days: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Top-``k`` neighbours of each row by the product of these vectors (see ``nearest_neighbours``).

    Time blocking: rows are taken in date order, a block at a time, and compared
    only with articles dated within ``max_days`` of the block (and with undated
    ones), so a long news stream costs time in proportion to its length, not its square.
    """
    n = vectors.shape[0]
    indices = np.full((n, k), -1, dtype=np.int64)
    sims = np.zeros((n, k), dtype=np.float32)
    days = np.array([d.toordinal() if d else 0 for d in dates] if len(dates) else [0] * n, dtype=np.int64)
    blocking = max_days is not None
    order = np.lexsort((np.arange(n), days))  # undated (0) first, then by date
    dated_order = order[days[order] > 0]
    dated_days = days[dated_order]
    undated = order[days[order] == 0]
    block = max(50, min(n, BLOCK_PAIRS // max(n, 1)))

    def search(start: int) -> None:  # one block of rows; blocks write disjoint rows
        rows = order[start:start + block]
        row_days = days[rows]
        if blocking and (row_days > 0).all():
            lo = np.searchsorted(dated_days, row_days.min() - max_days, side="left")
            hi = np.searchsorted(dated_days, row_days.max() + max_days, side="right")
            columns = np.concatenate([undated, dated_order[lo:hi]])
        else:
            columns = np.arange(n)
        product = (vectors[rows] @ vectors[columns].T).tocsr()
        for position, i in enumerate(rows):
            lo_, hi_ = product.indptr[position], product.indptr[position + 1]
            cols, vals = columns[product.indices[lo_:hi_]], product.data[lo_:hi_]
            keep = cols != i
            if blocking and days[i]:
                keep &= (days[cols] == 0) | (np.abs(days[cols] - days[i]) <= max_days)
            cols, vals = cols[keep], vals[keep]
            if len(vals) > k:
                top = np.argpartition(-vals, k - 1)[:k]
                cols, vals = cols[top], vals[top]
            _keep_ranked(indices, sims, i, cols, vals, k)

    starts = range(0, n, block)
    if len(starts) == 1:
        search(0)
    else:
        # scipy's sparse product releases the GIL: blocks on threads use every core,
        # without copying the vectors to other processes.
        with ThreadPoolExecutor(max_workers=min(THREADS, len(starts))) as pool:
            list(pool.map(search, starts))
    return indices, sims


def relative_edges(indices: np.ndarray, sims: np.ndarray, settings: GroupSettings
                   ) -> dict[tuple[int, int], tuple[float, float]]:
    """{(i, j): (relative weight, cosine)} for i < j over the union of both kNN lists."""
    # Neighbourhoods are symmetric: j near i makes i near j, so the scale sees both lists.
    n = indices.shape[0]
    near: list[dict[int, float]] = [{} for _ in range(n)]
    for i in range(n):
        for j, cosine in zip(indices[i], sims[i]):
            if j >= 0:
                near[i][int(j)] = near[int(j)][i] = float(cosine)
    m = max(1, settings.scale_neighbours)
    scale = np.array([np.mean(sorted(row.values(), reverse=True)[:m]) if row else 0.0 for row in near])
    scale = np.maximum(scale, settings.min_scale)
    edges: dict[tuple[int, int], tuple[float, float]] = {}
    for i in range(indices.shape[0]):
        for j, cosine in zip(indices[i], sims[i]):
            if j < 0 or cosine < settings.min_similarity:
                continue
            key = (i, int(j)) if i < j else (int(j), i)
            if key not in edges:
                weight = float(cosine) / ((scale[key[0]] + scale[key[1]]) / 2)
                edges[key] = (weight, float(cosine))
    return edges


def average_link(n: int, edges: dict[tuple[int, int], tuple[float, float]], threshold: float,
                 dates: Sequence[datetime | None], max_days: int) -> Grouping:
    """Merge clusters while the best pair's mean edge weight (missing edges = 0) reaches ``threshold``."""
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    links: list[dict[int, float]] = [{} for _ in range(n)]  # cluster -> neighbour -> summed weight
    best_pair: list[dict[int, tuple[float, int, int]]] = [{} for _ in range(n)]  # strongest cosine link
    first = list(dates) if dates else [None] * n
    last = list(first)
    for (i, j), (weight, cosine) in edges.items():
        links[i][j] = links[j][i] = weight
        best_pair[i][j] = best_pair[j][i] = (cosine, i, j)
    heap = [(-w, i, j) for (i, j), (w, _) in edges.items()]
    heapq.heapify(heap)
    joins = []
    while heap:
        negative, a, b = heapq.heappop(heap)
        if a not in members or b not in members or b not in links[a]:
            continue
        mean = links[a][b] / (len(members[a]) * len(members[b]))
        if abs(mean + negative) > 1e-9:
            continue  # stale entry: the clusters changed since it was pushed
        if mean < threshold:
            break
        if _too_far_apart(first[a], last[a], first[b], last[b], max_days):
            continue
        cosine, i, j = best_pair[a][b]
        joins.append(Join(tuple(members[a]), tuple(members[b]), mean, (i, j), cosine))
        keep, gone = (a, b) if a < b else (b, a)
        for other, weight in links[gone].items():
            if other == keep:
                continue
            links[keep][other] = links[other][keep] = links[keep].get(other, 0.0) + weight
            del links[other][gone]
            strongest = max(best_pair[keep].get(other, (-1.0, 0, 0)), best_pair[gone][other])
            best_pair[keep][other] = best_pair[other][keep] = strongest
            best_pair[other].pop(gone, None)
        del links[keep][gone]
        best_pair[keep].pop(gone, None)
        links[gone], best_pair[gone] = {}, {}
        members[keep] = sorted(members[keep] + members.pop(gone))
        dated = [d for d in (first[keep], first[gone], last[keep], last[gone]) if d is not None]
        first[keep], last[keep] = (min(dated), max(dated)) if dated else (None, None)
        size = len(members[keep])
        for other, weight in links[keep].items():
            x, y = (keep, other) if keep < other else (other, keep)
            heapq.heappush(heap, (-weight / (size * len(members[other])), x, y))
    return Grouping(sorted(members.values(), key=lambda c: c[0]), joins)


def group_with_reasons(documents: Sequence[Document], settings: GroupSettings = GroupSettings()) -> Grouping:
    """Clusters of document indices and the joins that made them."""
    n = len(documents)
    if n == 0:
        return Grouping([])
    if n == 1:
        return Grouping([[0]])
    dates = [d.article.date for d in documents]
    vectors = document_vectors(documents, settings)
    indices, sims = nearest_neighbours(vectors, min(settings.neighbours, n - 1), dates, settings.max_days_apart)
    edges = relative_edges(indices, sims, settings)
    return average_link(n, edges, settings.threshold, dates, settings.max_days_apart)


def group_documents(documents: Sequence[Document], settings: GroupSettings = GroupSettings()
                    ) -> list[list[int]]:
    """Clusters of document indices (each sorted), in order of their first member."""
    return group_with_reasons(documents, settings).clusters
