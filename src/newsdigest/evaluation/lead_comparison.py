"""How newsdigest's article summaries differ from the lead's (LEAD-k, the first k
sentences): on how many articles, how well where they differ, and how many summary
sentences dangle (open with "He", "But", "This"... without the sentence they lean on).

A summariser that beats LEAD-k only by being LEAD-k is no summariser: these figures,
gated in ``make eval``, make sure the gain comes from the articles where it is not.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..model import Document
from ..rankers import leans_on_previous
from ..summarise import Length, select, summarise_document
from .summaries import ROUGE_TYPES, Rouge


def dangling_openers(indices: Sequence[int], sentences: Sequence[str]) -> int:
    """Summary sentences that lean on the sentence before them in the article (they open
    with a word of ``rankers.DANGLING_OPENERS``: "He", "But", "This", "The company"...)
    without that sentence directly before them in the summary. ``indices``: the summary's
    sentences in text order. An article's first sentence leans on nothing.
    """
    count, previous = 0, None
    for index in indices:
        if index > 0 and previous != index - 1 and leans_on_previous(sentences[index]):
            count += 1
        previous = index
    return count


def lead_comparison(
    documents: Sequence[Document], references: Sequence[Sequence[str]], lengths: Sequence[Length]
) -> dict[str, float]:
    """How newsdigest's article summaries differ from LEAD-k's at the same budgets.

    Figures (percentages and ROUGE x 100), gateable like ``SystemResult.figures``:
    ``differs_articles`` and ``differs_from_lead``: the number and share of articles where
    newsdigest picks another set of sentences than LEAD-k; ``differs_<rouge type>`` and
    ``lead_differs_<rouge type>``: newsdigest's and LEAD-k's mean ROUGE on those
    articles, and ``differs_margin_<rouge type>`` the first minus the second;
    ``dangling_openers`` and ``lead_dangling_openers``: the share of summary sentences
    that dangle, and ``dangling_margin`` LEAD-k's rate minus newsdigest's (at least 0:
    not higher).
    """
    rouge = Rouge()
    differing: dict[str, dict[str, list[float]]] = {
        name: {t: [] for t in ROUGE_TYPES} for name in ("newsdigest", "lead")
    }
    dangling = {"newsdigest": 0, "lead": 0}
    picked = {"newsdigest": 0, "lead": 0}
    for document, reference, length in zip(documents, references, lengths):
        sentences = document.sentences
        ours = [ref.index for ref in summarise_document(document, length).sentences]
        lead = sorted(select(-np.arange(len(sentences), dtype=float), sentences, length))
        for name, indices in (("newsdigest", ours), ("lead", lead)):
            dangling[name] += dangling_openers(indices, sentences)
            picked[name] += len(indices)
        if ours != lead:
            for name, indices in (("newsdigest", ours), ("lead", lead)):
                for rouge_type, value in rouge(reference, [sentences[i] for i in indices]).items():
                    differing[name][rouge_type].append(value)
    count = len(differing["newsdigest"][ROUGE_TYPES[0]])
    figures = {
        "differs_articles": float(count),
        "differs_from_lead": round(100.0 * count / len(documents), 2) if documents else 0.0,
    }
    for rouge_type in ROUGE_TYPES:
        ours_mean, lead_mean = (
            100.0 * float(np.mean(differing[name][rouge_type])) if count else 0.0
            for name in ("newsdigest", "lead")
        )
        figures[f"differs_{rouge_type}"] = round(ours_mean, 2)
        figures[f"lead_differs_{rouge_type}"] = round(lead_mean, 2)
        figures[f"differs_margin_{rouge_type}"] = round(ours_mean - lead_mean, 2)
    rates = {n: 100.0 * dangling[n] / picked[n] if picked[n] else 0.0 for n in dangling}
    figures["dangling_openers"] = round(rates["newsdigest"], 2)
    figures["lead_dangling_openers"] = round(rates["lead"], 2)
    figures["dangling_margin"] = round(rates["lead"] - rates["newsdigest"], 2)
    return figures


def format_lead_comparison(figures: dict[str, float], items: int, k: str) -> str:
    """Two lines for the eval output: the articles where newsdigest is not LEAD-k, and
    the dangling openers of both."""

    def triple(prefix: str) -> str:
        return " / ".join(f"{figures[prefix + t]:.2f}" for t in ROUGE_TYPES)

    share = figures["differs_from_lead"]
    return (
        f"newsdigest differs from LEAD-{k} on {figures['differs_articles']:.0f} of {items} "
        f"articles ({share:.1f}%); there R-1 / R-2 / R-Lsum newsdigest {triple('differs_')}, "
        f"LEAD-{k} {triple('lead_differs_')}\n"
        f"dangling openers (He, But, This... without the sentence before): newsdigest "
        f"{figures['dangling_openers']:.1f}%, LEAD-{k} {figures['lead_dangling_openers']:.1f}% "
        "of summary sentences"
    )
