"""Measure story grouping and automatic topics against gold labels.

Story grouping is scored with B-cubed precision, recall and F1 (per article: how
much of its predicted story is in its gold story, and how much of its gold story
is in its predicted story; averaged over articles) and the adjusted Rand index.
Two baselines run in the same command so the numbers always have context:

- every article its own story (B-cubed precision 1, recall low);
- TF-IDF cosine with average-link agglomerative clustering, at the threshold
  that is best *on the data being scored* (an optimistic baseline: it is tuned on
  the answers, our grouping is not).

The baseline builds a dense n-by-n distance matrix: it is a yardstick for
evaluation sets of a few thousand articles, never part of the build.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float
    ari: float
    clusters: int


def bcubed(predicted: Sequence[Hashable], gold: Sequence[Hashable]) -> tuple[float, float, float]:
    """B-cubed (precision, recall, F1) of a predicted clustering against gold labels."""
    if len(predicted) != len(gold):
        raise ValueError("predicted and gold labels differ in length")
    if not gold:
        return 0.0, 0.0, 0.0
    pairs = Counter(zip(predicted, gold))
    predicted_sizes = Counter(predicted)
    gold_sizes = Counter(gold)
    # Every article in cell (p, g) has overlap = count(p, g); sum it once per article.
    precision = sum(n * n / predicted_sizes[p] for (p, _), n in pairs.items()) / len(gold)
    recall = sum(n * n / gold_sizes[g] for (_, g), n in pairs.items()) / len(gold)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def score(predicted: Sequence[Hashable], gold: Sequence[Hashable]) -> Scores:
    from sklearn.metrics import adjusted_rand_score

    precision, recall, f1 = bcubed(predicted, gold)
    return Scores(precision, recall, f1, float(adjusted_rand_score(gold, predicted)), len(set(predicted)))


def average_link_baseline(texts: Sequence[str], gold: Sequence[Hashable],
                          thresholds: Sequence[float] = tuple(np.round(np.arange(0.05, 1.0, 0.025), 3)),
                          ) -> tuple[float, Scores]:
    """Plain word TF-IDF, cosine, average-link agglomerative clustering at its best threshold.

    Returns (best similarity threshold, its scores); best means highest B-cubed F1.
    """
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform
    from sklearn.feature_extraction.text import TfidfVectorizer

    if len(texts) < 2:
        return 1.0, score(list(range(len(texts))), gold)
    vectors = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(texts)
    distance = 1.0 - (vectors @ vectors.T).toarray()
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(np.clip(distance, 0.0, 2.0), checks=False), method="average")
    best: tuple[float, Scores] | None = None
    for threshold in thresholds:
        labels = fcluster(tree, t=1.0 - threshold, criterion="distance")
        scores = score(list(labels), gold)
        if best is None or scores.f1 > best[1].f1:
            best = (float(threshold), scores)
    return best


def purity(predicted: Sequence[Hashable], gold: Sequence[Hashable]) -> float:
    """Share of articles whose predicted group's most common gold label is their own."""
    if not gold:
        return 0.0
    groups: dict[Hashable, Counter] = {}
    for p, g in zip(predicted, gold):
        groups.setdefault(p, Counter())[g] += 1
    return sum(c.most_common(1)[0][1] for c in groups.values()) / len(gold)
