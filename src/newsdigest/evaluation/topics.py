"""Automatic topics measured against gold categories (e.g. BBC's): NMI and purity."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .stories import purity


@dataclass(frozen=True)
class TopicEvaluation:
    data: Path
    articles: int
    categories: int
    stories: int
    topics: int
    nmi: float  # x 100
    purity: float  # x 100
    other: float  # share of the stories under "Other news", x 100

    def figures(self) -> dict[str, float]:
        return {"nmi": self.nmi}

    def table(self) -> str:
        return (
            f"{self.data}: {self.articles} articles, {self.categories} gold categories, "
            f"{self.stories} stories, "
            f"{self.topics} automatic topics\nNMI {self.nmi:.1f}  purity {self.purity:.1f}  "
            f"in Other news {self.other:.1f}% of stories"
        )


def evaluate_topics(data: Path) -> tuple[TopicEvaluation, str | None]:
    """The build's grouping, then automatic topics over its stories, scored against the gold
    ``label``."""
    from sklearn.metrics import normalized_mutual_info_score

    from ..group import GroupSettings, group_documents
    from ..model import Story
    from ..topics import OTHER_NEWS, assign_topics, story_facts
    from .gold import gold_documents

    gold_data = gold_documents(data)
    documents = gold_data.documents
    by_id = {d.id: d for d in documents}
    # Topics only need each story's articles: no story summaries.
    stories = [
        Story(slug=f"s{n}", title="", article_ids=tuple(documents[i].id for i in cluster))
        for n, cluster in enumerate(group_documents(documents, GroupSettings(), gold_data.names))
    ]
    assigned = assign_topics(stories, [story_facts(s, by_id) for s in stories], [])
    topic_of = {a: s.topics[0] for s in assigned.stories for a in s.article_ids}
    predicted = [topic_of[d.id] for d in documents]
    gold = gold_data.labels
    result = TopicEvaluation(
        data,
        len(documents),
        len(set(gold)),
        len(stories),
        len(assigned.topics),
        normalized_mutual_info_score(gold, predicted) * 100,
        purity(predicted, gold) * 100,
        sum(s.topics[0] == OTHER_NEWS for s in assigned.stories) / max(1, len(stories)) * 100,
    )
    return result, gold_data.note(data)
