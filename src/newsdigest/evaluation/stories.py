"""Measure story grouping and automatic topics against gold labels.

Story grouping is scored with B-cubed precision, recall and F1 (per article: how
much of its predicted story is in its gold story, and how much of its gold story
is in its predicted story; averaged over articles) and the adjusted Rand index.
Two baselines run in the same command so the numbers always have context:

- every article its own story (B-cubed precision 1, recall low);
- TF-IDF cosine with average-link agglomerative clustering, at the threshold
  that is best *on the data being scored* (an optimistic baseline: it is tuned on
  the answers, our grouping is not).

And one ceiling, so that a gap to a target can be split into what the grouper gets
wrong and what the text cannot show: the gold stories themselves, each cut into the
parts that the grouper's own links (cosine >= its floor) connect.

The baseline builds a dense n-by-n distance matrix: it is a yardstick for
evaluation sets of a few thousand articles, never part of the build.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..permalinks import Registry
from ..settings import Settings


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
    return Scores(
        precision, recall, f1, float(adjusted_rand_score(gold, predicted)), len(set(predicted))
    )


def average_link_baseline(
    texts: Sequence[str],
    gold: Sequence[Hashable],
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
    assert best is not None, "no thresholds to try"
    return best


def linkable_ceiling(vectors, gold: Sequence[Hashable], min_similarity: float) -> Scores:
    """Scores of a grouper that makes no wrong merge and finds every link its similarity sees.

    ``vectors`` are the grouper's L2-normalised rows. Each gold story is cut into the
    parts joined by chains of article pairs with cosine >= ``min_similarity`` (the
    grouper never links weaker pairs). An article filed with a story but sharing
    next to no words with it (a crawl notice, a video page, an unrelated page the
    editor linked) stays alone, so what this row misses is out of any text grouper's
    reach; what lies between it and the grouper's own row is the grouper's doing.
    Only pairs inside a gold story are compared, never n x n.
    """
    from scipy.sparse.csgraph import connected_components

    members: dict[Hashable, list[int]] = {}
    for index, label in enumerate(gold):
        members.setdefault(label, []).append(index)
    parts = [""] * len(gold)
    for number, indices in enumerate(members.values()):
        rows = vectors[indices]
        linked = (rows @ rows.T).tocsr()
        linked.data = (linked.data >= min_similarity).astype(np.int8)
        linked.eliminate_zeros()  # a stored zero would still count as a link
        _, component = connected_components(linked, directed=False)
        for index, part in zip(indices, component):
            parts[index] = f"{number}#{part}"
    return score(parts, gold)


def story_errors(
    predicted: Sequence[Hashable], gold: Sequence[Hashable]
) -> tuple[list[list[int]], list[list[int]]]:
    """(wrong merges, missed merges) as lists of article indices, for reading the errors.

    A wrong merge is a predicted story holding articles of several gold stories; a
    missed merge is a gold story spread over several predicted stories. Within each, the
    articles of one gold (wrong merges) or predicted (missed) story stand together.
    """
    by_predicted: dict[Hashable, list[int]] = {}
    by_gold: dict[Hashable, list[int]] = {}
    for index, (p, g) in enumerate(zip(predicted, gold)):
        by_predicted.setdefault(p, []).append(index)
        by_gold.setdefault(g, []).append(index)

    def by_part(members: list[int], part: Sequence[Hashable]) -> list[int]:
        first: dict[Hashable, int] = {}
        for i in members:
            first.setdefault(part[i], i)
        return sorted(members, key=lambda i: (first[part[i]], i))

    mixed = [by_part(c, gold) for c in by_predicted.values() if len({gold[i] for i in c}) > 1]
    split = [by_part(c, predicted) for c in by_gold.values() if len({predicted[i] for i in c}) > 1]
    return mixed, split


# Stories read first: the home page's first stories, and the largest ones.
HEAD_STORIES = 30


def head_precision(stories: Sequence[Sequence[int]], gold: Sequence[Hashable]) -> float:
    """B-cubed precision over the articles of these stories only: how much of each
    article's story is its own gold story, averaged over the articles (1.0 if none)."""
    total, count = 0.0, 0
    for members in stories:
        labels = Counter(gold[i] for i in members)
        total += sum(n * n for n in labels.values()) / len(members)
        count += len(members)
    return total / count if count else 1.0


def largest(stories: Sequence[Sequence[int]], n: int = HEAD_STORIES) -> list[Sequence[int]]:
    """The ``n`` largest stories (ties: the earlier in home order first)."""
    order = sorted(range(len(stories)), key=lambda k: (-len(stories[k]), k))
    return [stories[k] for k in order[:n]]


def purity(predicted: Sequence[Hashable], gold: Sequence[Hashable]) -> float:
    """Share of articles whose predicted group's most common gold label is their own."""
    if not gold:
        return 0.0
    groups: dict[Hashable, Counter] = {}
    for p, g in zip(predicted, gold):
        groups.setdefault(p, Counter())[g] += 1
    return sum(c.most_common(1)[0][1] for c in groups.values()) / len(gold)


@dataclass
class StoryEvaluation:
    """What ``newsdigest eval stories`` measured, newsdigest first, then baselines and the
    ceiling."""

    data: Path
    articles: int
    gold_stories: int
    seconds: float  # the story stage's own time (copies, grouping, overrides)
    rows: dict[str, Scores]
    baseline_threshold: float
    min_similarity: float
    home_precision: float = 0.0  # B-cubed precision of the first HEAD_STORIES in home order
    largest_precision: float = 0.0  # ... of the HEAD_STORIES largest stories
    wrong_merges: list[list[str]] | None = None  # article ids per wrong merge, with --errors
    missed_merges: list[list[str]] | None = None
    error_lines: list[str] = field(default_factory=list)  # the errors, as printed

    def figures(self) -> dict[str, float]:
        return {
            "f1": self.rows["newsdigest"].f1 * 100,
            "home_precision": self.home_precision * 100,
            "largest_precision": self.largest_precision * 100,
        }

    def as_json(self) -> dict:
        return {
            "data": str(self.data),
            "articles": self.articles,
            "gold_stories": self.gold_stories,
            "seconds": round(self.seconds, 2),
            "baseline_threshold": self.baseline_threshold,
            "home_precision": round(self.home_precision, 4),
            "largest_precision": round(self.largest_precision, 4),
            **{name: {k: round(v, 4) for k, v in vars(s).items()} for name, s in self.rows.items()},
            **(
                {"wrong_merges": self.wrong_merges, "missed_merges": self.missed_merges}
                if self.wrong_merges is not None
                else {}
            ),
        }

    def table(self) -> str:
        lines = [
            f"{self.data}: {self.articles} articles, {self.gold_stories} gold stories; "
            f"the story stage took {self.seconds:.1f}s",
            f"{'method':<44}{'B3-P':>7}{'B3-R':>7}{'B3-F1':>7}{'ARI':>7}{'stories':>9}",
        ]
        for name, s in self.rows.items():
            label = {
                "tfidf-average-link": f"{name} (best threshold {self.baseline_threshold:.3f})",
                "linkable-ceiling": f"ceiling: gold cut at cosine < {self.min_similarity}",
            }.get(name, name)
            lines.append(
                f"{label:<44}{s.precision * 100:7.1f}{s.recall * 100:7.1f}{s.f1 * 100:7.1f}"
                f"{s.ari * 100:7.1f}{s.clusters:9d}"
            )
        lines.append(
            f"B3-P of the first {HEAD_STORIES} stories in home order "
            f"{self.home_precision * 100:.1f}, of the {HEAD_STORIES} largest "
            f"{self.largest_precision * 100:.1f}"
        )
        return "\n".join(lines + self.error_lines)


def evaluate_stories(
    data: Path,
    skip_flagged: bool = False,
    errors: bool = False,
    settings: Settings | None = None,
    topics_dir: Path | None = None,
    registry: Registry | None = None,
) -> tuple[StoryEvaluation, str | None]:
    """B-cubed P/R/F1 and ARI of the build's stories against the gold ``label``, beside
    baselines; and a note of what was not scored.

    The stories are the build's own (``pipeline.read_stories``: copies merged, the
    settings, the overrides in ``topics_dir`` and the registry); a merged copy is scored
    as a member of the story that holds its entry, and so is every article the build kept.
    """
    from ..group import GroupSettings, document_vectors
    from ..pipeline import Options, read_stories
    from .gold import GoldDocuments, gold_labels, not_boilerplate

    staged = read_stories(
        [data],
        settings or Settings(),
        topics_dir,
        options=Options(registry=registry),
        keep=not_boilerplate if skip_flagged else None,
    )
    story_of = staged.story_of()
    documents = [d for d in staged.per_article.documents if d.id in story_of]
    gold_data = GoldDocuments(
        documents,
        [staged.per_article.features[d.id].names for d in documents],
        gold_labels(documents, data),
        staged.per_article.problems,
    )
    gold = gold_data.labels
    index = {d.id: k for k, d in enumerate(documents)}
    members: dict[str, list[int]] = {s.slug: [] for s in staged.found.stories}
    for d in documents:
        members[story_of[d.id]].append(index[d.id])
    home = list(members.values())  # in home order
    predicted = [0] * len(documents)
    for number, story in enumerate(home):
        for member in story:
            predicted[member] = number
    rows = {
        "newsdigest": score(predicted, gold),
        "singletons": score(list(range(len(documents))), gold),
    }
    threshold, rows["tfidf-average-link"] = average_link_baseline(
        [d.article.text for d in documents], gold
    )
    group_settings = GroupSettings()
    rows["linkable-ceiling"] = linkable_ceiling(
        document_vectors(documents, group_settings, gold_data.names),
        gold,
        group_settings.min_similarity,
    )
    result = StoryEvaluation(
        data,
        len(documents),
        len(set(gold)),
        staged.seconds,
        rows,
        threshold,
        group_settings.min_similarity,
        head_precision(home[:HEAD_STORIES], gold),
        head_precision(largest(home), gold),
    )
    if errors:
        mixed, split = story_errors(predicted, gold)
        result.wrong_merges = [[documents[i].id for i in c] for c in mixed]
        result.missed_merges = [[documents[i].id for i in c] for c in split]
        result.error_lines = _error_lines(documents, gold, predicted, mixed, split)
    return result, gold_data.note(data)


def _error_lines(documents, gold, predicted, mixed, split) -> list[str]:
    lines = []
    for heading, groups, key in (
        ("wrong merges (one of our stories, several gold stories)", mixed, gold),
        ("missed merges (one gold story, several of ours)", split, predicted),
    ):
        lines += ["", f"{heading}: {len(groups)}"]
        for members in groups:
            lines.append("")
            for i in members:
                first = " ".join(documents[i].article.text.split())[:70]
                lines.append(
                    f"  {'gold ' if key is gold else 'story '}{key[i]}  {documents[i].id}  {first}"
                )
    return lines
