"""Group: articles from different outlets about the same event become one story.

Articles are compared on two TF-IDF views joined into one vector:
- words (unigrams and bigrams): what the article is about;
- character n-grams within words: names spelt or transliterated differently
  ("Ahmad al-Shareh" / "Ahmed al-Sharaa") still share most of their n-grams.

Two articles whose dates are known and far apart are never the same event.
Similarity is computed as a sparse product of the vectors, keeping only pairs
above the threshold, so no dense n-by-n matrix is ever built.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from .model import Document

# The lead of an article says what the event is; later paragraphs drift into
# background that sibling events share.
LEAD_SENTENCES = 10


@dataclass(frozen=True)
class GroupSettings:
    threshold: float = 0.30  # cosine similarity that makes two articles one story
    max_days_apart: int = 7  # dated articles further apart than this are different events
    char_weight: float = 0.5  # share of the character n-gram view in the joined vector


def _lead_text(document: Document) -> str:
    title = document.article.title if not document.article.title_derived else ""
    return " ".join([title or "", *document.sentences[:LEAD_SENTENCES]])


def document_vectors(documents: Sequence[Document], settings: GroupSettings) -> sp.csr_matrix:
    """One L2-normalised row per document: the weighted words and character views side by side."""
    texts = [_lead_text(d) for d in documents]
    words = TfidfVectorizer(stop_words="english", ngram_range=(1, 2), sublinear_tf=True,
                            min_df=1, dtype=np.float32).fit_transform(texts)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True,
                            min_df=1, dtype=np.float32).fit_transform(texts)
    joined = sp.hstack([words * np.sqrt(1 - settings.char_weight),
                        chars * np.sqrt(settings.char_weight)]).tocsr()
    return normalize(joined)


def similar_pairs(vectors: sp.csr_matrix, threshold: float) -> list[tuple[int, int, float]]:
    """(i, j, similarity) for i < j with cosine similarity at least ``threshold``."""
    pairs = []
    block = 2000  # rows per block: bounds memory of the sparse product
    for start in range(0, vectors.shape[0], block):
        product = (vectors[start:start + block] @ vectors.T).tocoo()
        for i, j, value in zip(product.row, product.col, product.data):
            i += start
            if i < j and value >= threshold:
                pairs.append((int(i), int(j), float(value)))
    return pairs


def group_documents(documents: Sequence[Document], settings: GroupSettings = GroupSettings()
                    ) -> list[list[int]]:
    """Clusters of document indices (each sorted), in order of their first member."""
    n = len(documents)
    if n == 0:
        return []
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    vectors = document_vectors(documents, settings)
    dates = [d.article.date for d in documents]
    for i, j, _ in sorted(similar_pairs(vectors, settings.threshold), key=lambda p: (-p[2], p[0], p[1])):
        if dates[i] and dates[j] and abs((dates[i] - dates[j]).days) > settings.max_days_apart:
            continue
        root_i, root_j = find(i), find(j)
        if root_i != root_j:
            parent[max(root_i, root_j)] = min(root_i, root_j)
    clusters: dict[int, list[int]] = {}
    for i in range(n):
        clusters.setdefault(find(i), []).append(i)
    return sorted(clusters.values(), key=lambda c: c[0])
