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

Average link judges each merge by its mean, so a story can still grow into a chain
of events, each like only its neighbour. Before a story is published it must read as
one event (``split_incoherent``): an article that does not fit the story as a whole
is taken out, and a story that a weak cut splits into two dense parts is split there.

Scale: only the top ``neighbours`` of each article are kept (``newsdigest.neighbours``),
so memory grows with n x neighbours, never n x n. The names and numbers of each article
are found once, by the per-article stage (``article_names``), and cached with it.
"""

from __future__ import annotations

import heapq
import os
import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from sklearn.preprocessing import normalize

from .model import Article, Document
from .neighbours import nearest_neighbours
from .ngrams import char_ngram_counts, tfidf, tokens, word_ngram_counts

# Character n-grams are costly on long texts; names sit in the title and lead.
CHAR_LEAD_SENTENCES = 10
# Features in more than this share of articles weigh little yet cost the most in the
# sparse product (each one pairs every article holding it): dropped.
MAX_DF = 0.5
# Threads for the character view, beside the word and name views (numpy work on long
# arrays, which releases the GIL).
THREADS = min(2, os.cpu_count() or 1)


# The defaults were chosen on both development sets at once (ECB+ and Multi-News; one
# setting for both), on the build's own stories (copies merged, cohesion checked). The
# threshold sits inside the range where both stay within 0.5 B-cubed F1 of their best
# (0.55-0.5875; ECB+ falls by a point under 0.55, where its stories of 10-20 articles,
# whose pairs are not all among each other's 20 neighbours, start to merge). Multi-News
# stays at 90-91 for any threshold from 0.45 to 1.2 and any scale over 3-20 neighbours;
# its errors are pages that share no words with their story and same-topic events years
# apart (no dates in that set), which no setting here can fix.
# BENCHMARKS.md ("Stories and topics") has the numbers and what else was tried.
@dataclass(frozen=True)
class GroupSettings:
    threshold: float = 0.5625  # mean relative similarity at which two stories merge
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
class Split:
    """One story cut in two by the cohesion check: why (for ``explain``).

    ``kind`` "misfit": ``parts[1]`` is one article whose cosine to the centroid of the
    rest (``score``) is under ``limit``, the grouping's floor. "cut": the mean cross
    cosine of the two parts is ``score`` times the mean of their internal means (under
    ``limit``), and no pair across is closer than ``bridge``.
    """

    kind: str
    parts: tuple[tuple[int, ...], tuple[int, ...]]
    score: float
    limit: float
    bridge: float = 0.0


@dataclass(frozen=True)
class Grouping:
    clusters: list[list[int]]  # document indices, each sorted, in order of first member
    joins: list[Join] = field(default_factory=list)  # in merge order
    splits: list[Split] = field(default_factory=list)  # in the order they were made
    cohesion: list[float] = field(default_factory=list)  # per cluster: mean pairwise cosine


# --- the per-article features (made by the per-article stage, newsdigest.prepare) ---


def titled_text(article: Article, sentences: Sequence[str]) -> str:
    """The title (unless it was derived from the first sentence) and the sentences, a line each."""
    title = article.title if not article.title_derived else ""
    return "\n".join([title or "", *sentences])


_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+|\n+")
_NAME_OR_NUMBER = re.compile(r"\b[A-Z][A-Za-z'’-]+\b|\b\d[\d,.:]*\d\b|\b\d\b")


def names_and_numbers(text: str, fold: bool = True) -> list[str]:
    """Capitalised words not opening a sentence, and numbers: the features that tell events apart.

    With ``fold``, trailing "'s" and "s" go too (a crude but symmetric stem), so
    "Oscars", "Oscar's" and "Oscar" are one feature.
    """
    tokens = []
    for sentence in _SENTENCE_SPLIT.split(text):
        for match in _NAME_OR_NUMBER.finditer(sentence):
            if match.start() == 0:  # a capital that only opens the sentence says nothing
                continue
            token = match.group(0)
            tokens.append(fold_name(token) if fold else token)
    return tokens


def fold_name(token: str) -> str:
    """Possessive and plural endings go: "Oscars", "Oscar's" and "Oscar" are one name."""
    return token.lower().rstrip("'’s") or token.lower()


def article_names(document: Document) -> tuple[str, ...]:
    """Names and numbers of the title and text as written (the grouper folds them)."""
    return tuple(names_and_numbers(_full_text(document), fold=False))


def _names_of(
    documents: Sequence[Document], names: Sequence[Sequence[str]] | None
) -> Sequence[Sequence[str]]:
    """``names`` as the per-article stage made them, or found here (the same values)."""
    return names if names is not None else [article_names(d) for d in documents]


def _full_text(document: Document) -> str:
    return titled_text(document.article, document.sentences)


def _folded_names(names: Sequence[Sequence[str]]) -> list[list[str]]:
    folded: dict[str, str] = {}  # a name recurs across articles: fold each spelling once
    return [[folded.get(t) or folded.setdefault(t, fold_name(t)) for t in row] for row in names]


def _lead_text(document: Document) -> str:
    return titled_text(document.article, document.sentences[:CHAR_LEAD_SENTENCES])


def _max_df(n: int) -> float:
    return MAX_DF if n >= 20 else 1.0  # a handful of articles: every word may matter


def document_vectors(
    documents: Sequence[Document],
    settings: GroupSettings = GroupSettings(),
    names: Sequence[Sequence[str]] | None = None,
) -> sp.csr_matrix:
    """One L2-normalised row per document: the weighted views side by side.

    ``names[i]``: ``article_names(documents[i])``, when the per-article stage made them.
    """
    texts = [_full_text(d) for d in documents]
    max_df = _max_df(len(texts))

    # Hashed n-gram counts (newsdigest.ngrams), weighted as scikit-learn's
    # TfidfVectorizer(sublinear_tf=True, max_df=...) would: its Python n-gram loop
    # was most of the grouping time at 10,000 articles.
    # Each view is weighted as soon as it is counted, and scaled in place: at 50,000
    # articles a copy of the vectors is most of a gigabyte.
    def words():
        return _view(
            word_ngram_counts((tokens(t, ENGLISH_STOP_WORDS) for t in texts), (1, 2)),
            max_df,
            settings.word_weight,
        )

    def name_view():
        return _view(
            word_ngram_counts(_folded_names(_names_of(documents, names))),
            max_df,
            settings.name_weight,
        )

    def characters():
        # 2**24 buckets for the ~170,000 distinct n-grams of 10,000 leads: cosines move by
        # at most 0.005, and the table is three times faster than sorting 30 million hashes.
        return _view(
            char_ngram_counts([_lead_text(d) for d in documents], buckets=2**24),
            max_df,
            settings.char_weight,
        )

    # The character view is numpy work on long arrays, which releases the GIL: it runs on
    # a thread beside the word and name views (Python tokenising, mostly).
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        pending = pool.submit(characters) if settings.char_weight else None
        views = [words(), name_view()] + ([pending.result()] if pending else [])
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


def _too_far_apart(
    first: datetime | None,
    last: datetime | None,
    other_first: datetime | None,
    other_last: datetime | None,
    max_days: int,
) -> bool:
    if first is None or other_first is None or last is None or other_last is None:
        return False
    span = max(last, other_last) - min(first, other_first)
    return span.days > max_days


def relative_edges(
    indices: np.ndarray, sims: np.ndarray, settings: GroupSettings
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
    scale = np.array(
        [np.mean(sorted(row.values(), reverse=True)[:m]) if row else 0.0 for row in near]
    )
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


def average_link(
    n: int,
    edges: dict[tuple[int, int], tuple[float, float]],
    threshold: float,
    dates: Sequence[datetime | None],
    max_days: int,
) -> Grouping:
    """Merge clusters while the best pair's mean edge weight (missing edges = 0) reaches
    ``threshold``."""
    clusters = _Clusters(n, edges, dates)
    heap = [(-w, i, j) for (i, j), (w, _) in edges.items()]
    heapq.heapify(heap)
    joins = []
    while heap:
        negative, a, b = heapq.heappop(heap)
        mean = clusters.mean(a, b)
        if mean is None or abs(mean + negative) > 1e-9:
            continue  # stale entry: the clusters changed since it was pushed
        if mean < threshold:
            break
        if clusters.too_far_apart(a, b, max_days):
            continue
        cosine, i, j = clusters.best_pair[a][b]
        joins.append(
            Join(tuple(clusters.members[a]), tuple(clusters.members[b]), mean, (i, j), cosine)
        )
        for entry in clusters.merge(a, b):
            heapq.heappush(heap, entry)
    return Grouping(sorted(clusters.members.values(), key=lambda c: c[0]), joins)


class _Clusters:
    """The clusters while average link merges them: members, summed edge weights between
    clusters, each pair's strongest article link (for explain), and their date spans."""

    def __init__(
        self,
        n: int,
        edges: dict[tuple[int, int], tuple[float, float]],
        dates: Sequence[datetime | None],
    ):
        self.members: dict[int, list[int]] = {i: [i] for i in range(n)}
        self.links: list[dict[int, float]] = [
            {} for _ in range(n)
        ]  # cluster -> neighbour -> summed weight
        self.best_pair: list[dict[int, tuple[float, int, int]]] = [
            {} for _ in range(n)
        ]  # strongest cosine link
        self.first: list[datetime | None] = list(dates) if dates else [None] * n
        self.last = list(self.first)
        for (i, j), (weight, cosine) in edges.items():
            self.links[i][j] = self.links[j][i] = weight
            self.best_pair[i][j] = self.best_pair[j][i] = (cosine, i, j)

    def mean(self, a: int, b: int) -> float | None:
        """The mean weight over all article pairs of clusters ``a`` and ``b`` (None: no longer
        linked)."""
        if a not in self.members or b not in self.members or b not in self.links[a]:
            return None
        return self.links[a][b] / (len(self.members[a]) * len(self.members[b]))

    def too_far_apart(self, a: int, b: int, max_days: int) -> bool:
        return _too_far_apart(self.first[a], self.last[a], self.first[b], self.last[b], max_days)

    def merge(self, a: int, b: int) -> list[tuple[float, int, int]]:
        """Join ``b`` and ``a`` into the lower-numbered one; return the new heap entries."""
        keep, gone = (a, b) if a < b else (b, a)
        links, best_pair = self.links, self.best_pair
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
        self.members[keep] = sorted(self.members[keep] + self.members.pop(gone))
        dated = [
            d
            for d in (self.first[keep], self.first[gone], self.last[keep], self.last[gone])
            if d is not None
        ]
        self.first[keep], self.last[keep] = (min(dated), max(dated)) if dated else (None, None)
        size = len(self.members[keep])
        entries = []
        for other, weight in links[keep].items():
            x, y = (keep, other) if keep < other else (other, keep)
            entries.append((-weight / (size * len(self.members[other])), x, y))
        return entries


# --- cohesion: one event per story ---

# A cut splits a story when the mean cosine across it is under this share of the mean
# cosine inside its two parts (the mean of the two)...
CUT_RATIO = 0.65
# ...and no article pair across it is this close (one strong bridge: the same event).
BRIDGE_COSINE = 0.26
# Articles in each part of a cut, at least: a single stray is the misfit rule's (cutting
# off single articles like parts cost Multi-News 1.4 F1; BENCHMARKS.md).
MIN_PART = 2


def split_incoherent(
    clusters: Sequence[list[int]], vectors: sp.csr_matrix, min_similarity: float
) -> tuple[list[list[int]], list[Split], list[float]]:
    """The clusters cut until each reads as one event, the cuts made, and each resulting
    cluster's cohesion (mean pairwise cosine; 1.0 for a single article).

    Average link joins two stories when their pairs are similar *on average*, so a story
    can still chain events that each resemble only their neighbour. A story of three or
    more articles is checked on its own cosines (the vectors of ``document_vectors``):

    1. *misfit*: an article whose cosine to the centroid of the rest of the story is
       under ``min_similarity`` (the floor below which two articles are never linked)
       is about something else: it is taken out and stands alone.
    2. *weak cut*: the story is split into two parts of at least two articles where the
       mean cosine across them is under ``CUT_RATIO`` of the mean inside the parts and
       no pair across reaches ``BRIDGE_COSINE``: two dense events, loosely joined.
       Candidate cuts are the subtrees of the story's own average-link tree.

    Both parts are checked again. A pair is never cut: two articles were joined on
    their own similarity, and there is nothing else to weigh it against.
    """
    done: list[tuple[list[int], float]] = []
    splits: list[Split] = []
    for cluster in clusters:
        sims = _cosines(vectors, cluster)
        position = {member: k for k, member in enumerate(cluster)}
        pending = [list(cluster)]
        while pending:
            members = pending.pop()
            local = [position[m] for m in members]
            block = sims[np.ix_(local, local)]
            found = _split_of(members, block, min_similarity) if len(members) >= 3 else None
            if found is None:
                done.append((members, _inner_mean(block) if len(members) > 1 else 1.0))
                continue
            splits.append(found)
            pending.extend(list(p) for p in reversed(found.parts))
    done.sort(key=lambda c: c[0][0])
    return [c for c, _ in done], splits, [value for _, value in done]


def _cosines(vectors: sp.csr_matrix, members: Sequence[int]) -> np.ndarray:
    """The members' pairwise cosines, dense (a story's articles: a few, a few dozen)."""
    rows = vectors[list(members)]
    sims = np.asarray((rows @ rows.T).todense(), dtype=np.float64)
    np.fill_diagonal(sims, 1.0)
    return sims


def _split_of(members: list[int], sims: np.ndarray, min_similarity: float) -> Split | None:
    fit = _fit_to_rest(sims)
    worst = int(np.argmin(fit))
    if fit[worst] < min_similarity:
        rest = tuple(m for k, m in enumerate(members) if k != worst)
        return Split("misfit", (rest, (members[worst],)), float(fit[worst]), min_similarity)
    return _weak_cut(members, sims)


def _fit_to_rest(sims: np.ndarray) -> np.ndarray:
    """Each article's cosine to the (unnormalised) centroid of the others."""
    row = sims.sum(axis=1)
    total = sims.sum()
    norm = np.sqrt(np.maximum(total - 2 * row + 1.0, 1e-12))
    return (row - 1.0) / norm


def _inner_mean(block: np.ndarray) -> float:
    n = block.shape[0]
    return float((block.sum() - np.trace(block)) / (n * (n - 1)))


def _weak_cut(members: list[int], sims: np.ndarray) -> Split | None:
    from scipy.cluster.hierarchy import linkage, to_tree
    from scipy.spatial.distance import squareform

    n = len(members)
    if n < 2 * MIN_PART or _bridged(sims):
        return None
    distance = np.clip(1.0 - sims, 0.0, 2.0)
    np.fill_diagonal(distance, 0.0)
    tree = to_tree(linkage(squareform(distance, checks=False), method="average"))
    best: tuple[float, float, list[int]] | None = None
    for node in _subtrees(tree):
        side = sorted(node.pre_order())
        if not MIN_PART <= len(side) <= n - MIN_PART:
            continue
        mask = np.zeros(n, dtype=bool)
        mask[side] = True
        cross = sims[np.ix_(mask, ~mask)]
        means = [_inner_mean(sims[np.ix_(m, m)]) for m in (mask, ~mask) if m.sum() > 1]
        inner = sum(means) / len(means)
        if inner <= 0:
            continue
        ratio, bridge = float(cross.mean()) / inner, float(cross.max())
        if ratio < CUT_RATIO and bridge < BRIDGE_COSINE and (best is None or ratio < best[0]):
            best = (ratio, bridge, side)
    if best is None:
        return None
    ratio, bridge, side = best
    inside = set(side)
    part = tuple(m for k, m in enumerate(members) if k in inside)
    other = tuple(m for k, m in enumerate(members) if k not in inside)
    first, second = (part, other) if part[0] < other[0] else (other, part)
    return Split("cut", (first, second), ratio, CUT_RATIO, bridge)


def _bridged(sims: np.ndarray) -> bool:
    """Whether the pairs at ``BRIDGE_COSINE`` or more connect the whole story: then every
    cut has a strong bridge across it, and none qualifies (a quick test before the tree)."""
    from scipy.sparse.csgraph import connected_components

    count, _ = connected_components(sp.csr_matrix(sims >= BRIDGE_COSINE), directed=False)
    return count == 1


def _subtrees(tree):
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        if not node.is_leaf():
            stack.extend((node.get_left(), node.get_right()))


def cohesion(vectors: sp.csr_matrix, members: Sequence[int]) -> float:
    """The mean cosine over a story's article pairs (1.0 for a single article)."""
    return _inner_mean(_cosines(vectors, members)) if len(members) > 1 else 1.0


def group_with_reasons(
    documents: Sequence[Document],
    settings: GroupSettings = GroupSettings(),
    names: Sequence[Sequence[str]] | None = None,
) -> Grouping:
    """Clusters of document indices and the joins that made them (``names`` as for
    ``document_vectors``)."""
    n = len(documents)
    if n == 0:
        return Grouping([])
    if n == 1:
        return Grouping([[0]], cohesion=[1.0])
    dates = [d.article.date for d in documents]
    vectors = document_vectors(documents, settings, names)
    indices, sims = nearest_neighbours(
        vectors, min(settings.neighbours, n - 1), dates, settings.max_days_apart
    )
    edges = relative_edges(indices, sims, settings)
    merged = average_link(n, edges, settings.threshold, dates, settings.max_days_apart)
    clusters, splits, cohesions = split_incoherent(
        merged.clusters, vectors, settings.min_similarity
    )
    return Grouping(clusters, merged.joins, splits, cohesions)


def group_documents(
    documents: Sequence[Document],
    settings: GroupSettings = GroupSettings(),
    names: Sequence[Sequence[str]] | None = None,
) -> list[list[int]]:
    """Clusters of document indices (each sorted), in order of their first member."""
    return group_with_reasons(documents, settings, names).clusters
