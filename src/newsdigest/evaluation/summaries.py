"""Summary quality: ROUGE of newsdigest against reference summaries, beside baselines.

Every system is scored in the same run, on the same articles, at the same
length budget, with the same selection rule (``summarise.select``): a system
only decides the ranking of sentences; the budget then takes whole sentences
best first. So the figures differ only by what each system ranks first.

ROUGE is Google's ``rouge-score`` (the reference implementation of the
published figures): F1 of ROUGE-1, ROUGE-2 and ROUGE-Lsum, Porter stemming on,
case-insensitive (its tokenizer lower-cases; XSum references are lower-cased),
and for Lsum one sentence a line on both sides.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..model import Document
from ..sentences import split_sentences
from ..summarise import Length, select, summarise_document, summarise_story
from .gold import GoldArticle, load_articles, load_stories, story_documents

ROUGE_TYPES = ("rouge1", "rouge2", "rougeLsum")

# An extractor ranks the sentences of one text: indices, best first. The budget
# (summarise.select) then decides how many of them are taken.
Extractor = Callable[[Sequence[str]], list[int]]

_WORD = re.compile(r"\w+(?:['’-]\w+)*")


class SplitterTokenizer:
    """sumy's tokenizer interface over newsdigest's own sentence splitter.

    sumy's default tokenizer needs nltk's punkt data, which cannot be fetched
    here; and the baselines should see exactly the sentences newsdigest sees.
    """

    language = "english"

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        return tuple(split_sentences(paragraph))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(_WORD.findall(sentence))


def sumy_ranker(method: str) -> Extractor:
    """A sumy summariser ("textrank" or "lexrank") as a ranking of the given sentences.

    The document is built from our sentences directly (one paragraph), with sumy's
    usual English set-up: Snowball stemmer and sumy's English stop-word list.
    """
    from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
    from sumy.nlp.stemmers import Stemmer
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer
    from sumy.utils import get_stop_words

    classes = {"textrank": TextRankSummarizer, "lexrank": LexRankSummarizer}
    summarizer = classes[method](Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")
    tokenizer = SplitterTokenizer()

    def rank(sentences: Sequence[str]) -> list[int]:
        if not sentences:
            return []
        document = ObjectDocumentModel([Paragraph([Sentence(s, tokenizer) for s in sentences])])
        ranked: list = []

        def take_all(infos):  # sumy hands its count function the sentences best first
            ranked.extend(infos)
            return infos

        summarizer(document, take_all)
        return [info.order for info in ranked]

    return rank


def lead_ranker(sentences: Sequence[str]) -> list[int]:
    """LEAD-k: the first sentences, in order."""
    return list(range(len(sentences)))


def random_ranker(seed: int) -> Extractor:
    """random-k: a seeded shuffle; the same seed gives the same summaries."""
    rng = random.Random(seed)

    def rank(sentences: Sequence[str]) -> list[int]:
        order = list(range(len(sentences)))
        rng.shuffle(order)
        return order

    return rank


def baselines(seed: int) -> dict[str, Extractor]:
    return {
        "lead": lead_ranker,
        f"random (seed {seed})": random_ranker(seed),
        "sumy textrank": sumy_ranker("textrank"),
        "sumy lexrank": sumy_ranker("lexrank"),
    }


def extract(ranker: Extractor, sentences: Sequence[str], length: Length) -> list[str]:
    """The ranker's summary within the budget, sentences in text order."""
    order = ranker(sentences)
    scores = np.zeros(len(sentences))
    scores[order] = -np.arange(len(order), dtype=float)  # best first = highest score
    return [sentences[i] for i in sorted(select(scores, sentences, length))]


@dataclass
class SystemResult:
    name: str
    scores: dict[str, list[float]] = field(default_factory=lambda: {t: [] for t in ROUGE_TYPES})
    seconds: float = 0.0
    # R-1 F1 of the summary's first sentence against the reference's first sentence, per
    # item: does the summary open with what the reference opens with (the event)?
    openings: list[float] = field(default_factory=list)

    def opening(self) -> float:
        return 100.0 * sum(self.openings) / len(self.openings) if self.openings else 0.0

    def mean(self, rouge_type: str) -> float:
        values = self.scores[rouge_type]
        return 100.0 * sum(values) / len(values) if values else 0.0

    def figures(self) -> dict[str, float]:
        return {t: round(self.mean(t), 2) for t in ROUGE_TYPES}

    def per_second(self) -> float:
        count = len(self.scores[ROUGE_TYPES[0]])
        return count / self.seconds if self.seconds > 0 else float("inf")


class Rouge:
    """ROUGE-1/2/Lsum F1 of one summary against one reference (both lists of sentences)."""

    def __init__(self) -> None:
        from rouge_score import rouge_scorer

        self._scorer = rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=True)

    def __call__(self, reference: Sequence[str], summary: Sequence[str]) -> dict[str, float]:
        scores = self._scorer.score("\n".join(reference), "\n".join(summary))
        return {t: scores[t].fmeasure for t in ROUGE_TYPES}


def evaluate(
    items: Sequence[tuple[Sequence[str], Sequence[str]]],
    systems: dict[str, Callable[[int], list[str]]],
) -> list[SystemResult]:
    """Score each system on every item; ``systems[name](i)`` is its summary of item i.

    ``items`` are (reference, source) pairs; only the time spent in the systems
    is counted for speed, not the scoring.
    """
    rouge = Rouge()
    results = []
    for name, summarise in systems.items():
        result = SystemResult(name)
        for i, (reference, _) in enumerate(items):
            start = time.perf_counter()
            summary = summarise(i)
            result.seconds += time.perf_counter() - start
            for rouge_type, value in rouge(reference, summary).items():
                result.scores[rouge_type].append(value)
            first = rouge(reference[:1], summary[:1])["rouge1"] if reference and summary else 0.0
            result.openings.append(first)
        results.append(result)
    return results


def article_systems(
    documents: Sequence[Document], lengths: Sequence[Length], seed: int, with_baselines: bool = True
) -> dict[str, Callable[[int], list[str]]]:
    """newsdigest and the article baselines, each as item index -> summary sentences.

    ``lengths[i]`` is the budget for item i (the same for every system).
    """
    systems: dict[str, Callable[[int], list[str]]] = {
        "newsdigest": lambda i: [
            s.text for s in summarise_document(documents[i], lengths[i]).sentences
        ],
    }
    if with_baselines:
        for name, ranker in baselines(seed).items():
            systems[name] = _extractor(ranker, documents, lengths)
    return systems


def _extractor(
    ranker: Extractor, documents: Sequence[Document], lengths: Sequence[Length]
) -> Callable[[int], list[str]]:
    def summary(i: int) -> list[str]:
        return extract(ranker, documents[i].sentences, lengths[i])

    return summary


def reference_words(reference: Sequence[str]) -> int:
    """The reference's length in words: the matched budget for long references."""
    return max(1, sum(len(s.split()) for s in reference))


def story_systems(
    stories: Sequence[Sequence[Document]], lengths: Sequence[Length], with_baselines: bool = True
) -> dict[str, Callable[[int], list[str]]]:
    """newsdigest's story summary and the story baselines.

    Baselines: the lead of the story's first article (what a reader of one outlet
    gets), and sumy TextRank over all the story's sentences, articles in order.
    """
    systems: dict[str, Callable[[int], list[str]]] = {
        "newsdigest": lambda i: [s.text for s in summarise_story(stories[i], lengths[i]).sentences],
    }
    if with_baselines:
        textrank = sumy_ranker("textrank")

        def first_lead(i: int) -> list[str]:
            first = next((d for d in stories[i] if d.sentences), None)
            return extract(lead_ranker, first.sentences, lengths[i]) if first else []

        def story_textrank(i: int) -> list[str]:
            return extract(textrank, [s for d in stories[i] for s in d.sentences], lengths[i])

        systems["first-article lead"] = first_lead
        systems["sumy textrank (story)"] = story_textrank
    return systems


def story_checks(
    stories: Sequence[Sequence[Document]], lengths: Sequence[Length]
) -> dict[str, int]:
    """Counts of what a story summary must never do: repeat a sentence, keep two that say
    the same thing, or leave source order (articles in story order, sentences in
    document order).

    "The same thing" is the summariser's own measure: character n-gram cosine,
    fitted on all the story's sentences, at or above REDUNDANCY_THRESHOLD.
    """
    from ..summarise import REDUNDANCY_THRESHOLD, overlap_vectors

    counts = {"repeated": 0, "near-duplicate pairs": 0, "out of source order": 0}
    for documents, length in zip(stories, lengths):
        summary = summarise_story(documents, length).sentences
        texts = [s.text for s in summary]
        counts["repeated"] += len(texts) - len(set(texts))
        ids = [d.id for d in documents]
        keys = [(ids.index(s.article_id), s.index) for s in summary]
        counts["out of source order"] += int(keys != sorted(keys))
        if len(texts) > 1:
            offsets = np.cumsum([0] + [len(d.sentences) for d in documents])
            vectors = overlap_vectors([t for d in documents for t in d.sentences])
            picked = vectors[[offsets[d] + s for d, s in keys]]
            similarity = (picked @ picked.T).toarray()
            upper = similarity[np.triu_indices(len(texts), 1)]
            counts["near-duplicate pairs"] += int((upper >= REDUNDANCY_THRESHOLD).sum())
    return counts


def format_table(results: Sequence[SystemResult], items: int) -> str:
    lines = [f"{'system':<24} {'R-1':>6} {'R-2':>6} {'R-Lsum':>7} {'items/s':>9}"]
    for result in results:
        rate = result.per_second()
        lines.append(
            f"{result.name:<24} {result.mean('rouge1'):6.2f} {result.mean('rouge2'):6.2f} "
            f"{result.mean('rougeLsum'):7.2f} {rate:9.0f}"
        )
    return "\n".join(lines)


@dataclass
class SummaryEvaluation:
    """What ``newsdigest eval summaries`` measured: newsdigest first, then the baselines."""

    heading: str  # what was scored, with which budget
    results: list[SystemResult]
    # Story summaries: repeated, near-duplicate, out-of-order sentences.
    checks: dict[str, int] | None = None
    # Articles: how newsdigest differs from LEAD-k (lead_comparison.lead_comparison).
    against_lead: dict[str, float] | None = None
    k: str = "k"  # the k of LEAD-k, for the table

    def table(self) -> str:
        from .lead_comparison import format_lead_comparison

        items = len(self.results[0].scores[ROUGE_TYPES[0]])
        lines = [self.heading, format_table(self.results, items)]
        if self.against_lead is not None:
            lines.append(format_lead_comparison(self.against_lead, items, self.k))
        if self.checks is not None:
            lines.append(
                "newsdigest story summaries: "
                + ", ".join(f"{v} {k}" for k, v in self.checks.items())
            )
            lines.append(
                "first sentence, R-1 against the reference's first: "
                + ", ".join(f"{r.name} {r.opening():.2f}" for r in self.results)
            )
        return "\n".join(lines)

    def figures(self) -> dict[str, float]:
        figures = {**self.results[0].figures(), **(self.against_lead or {})}
        if self.checks is not None:
            figures["opening_rouge1"] = round(self.results[0].opening(), 2)
        return figures

    def failures(self) -> list[str]:
        """What fails the gate whatever the floors: a story summary that repeats itself or leaves
        source order."""
        return [f"story summaries: {v} {k}" for k, v in (self.checks or {}).items() if v]


@dataclass(frozen=True)
class SummaryTask:
    """What ``eval summaries`` scores: which items, at which budget (one per option of the
    command)."""

    label: str | None = None  # only articles with this label
    skip_flagged: bool = False  # leave out rows flagged duplicate_of or is_boilerplate
    length: Length = Length()
    match_reference: bool = False  # per item: the reference's length in words
    clusters: Path | None = None  # score story summaries against these gold stories
    by_field: str = "label"  # with clusters: the article field naming its story
    part: slice = field(default_factory=lambda: slice(None))  # the items scored (after filtering)
    limit: int | None = None
    seed: int = 1  # of the random-k baseline
    baselines: bool = True

    def budget(self) -> str:
        if self.match_reference:
            return "the reference's word count"
        if self.length.words:
            return f"{self.length.words} words"
        return f"{self.length.sentences} sentence{'s' if self.length.sentences != 1 else ''}"

    def filters(self, slice_text: str | None) -> str:
        return ", ".join(
            x
            for x in (
                f"label {self.label}" if self.label else "",
                "flagged rows skipped" if self.skip_flagged else "",
                f"slice {slice_text}" if slice_text else "",
                f"first {self.limit}" if self.limit else "",
            )
            if x
        )

    def lengths(self, references: Sequence[Sequence[str]]) -> list[Length]:
        return [
            Length(words=reference_words(r)) if self.match_reference else self.length
            for r in references
        ]


def evaluate_summaries(
    data: Path, task: SummaryTask, slice_text: str | None = None
) -> SummaryEvaluation:
    """ROUGE of newsdigest and the baselines on gold ``data`` (articles, or stories with
    ``task.clusters``)."""
    from .gold import EvalDataError

    gold = load_articles(data)
    chosen = [
        a
        for a in gold
        if (task.label is None or str(a.row.get("label")) == task.label)
        and not (task.skip_flagged and a.flagged)
    ]
    items = _story_items(chosen, task) if task.clusters else _article_items(chosen, task)
    if not items.references:
        raise EvalDataError(
            f"{data}: nothing to score (no article with a reference"
            f"{f' and label {task.label!r}' if task.label else ''})"
        )
    filters = task.filters(slice_text)
    heading = f"{data}: {items.what}{f' ({filters})' if filters else ''}, budget {task.budget()}"
    k = str(task.length.sentences) if not (task.length.words or task.match_reference) else "k"
    return SummaryEvaluation(
        heading,
        evaluate([(r, ()) for r in items.references], items.systems),
        items.checks(),
        items.against_lead(),
        k,
    )


@dataclass
class _Items:
    what: str  # "119 articles", "60 stories (145 articles)"
    references: list[tuple[str, ...]]
    systems: dict[str, Callable[[int], list[str]]]
    checks: Callable[[], dict[str, int] | None] = lambda: None
    against_lead: Callable[[], dict[str, float] | None] = lambda: None


def _article_items(chosen: Sequence[GoldArticle], task: SummaryTask) -> _Items:
    articles = [a for a in chosen if a.reference][task.part][: task.limit]
    from .lead_comparison import lead_comparison

    references = [a.reference for a in articles]
    documents, lengths = [a.document for a in articles], task.lengths(references)
    systems = article_systems(documents, lengths, task.seed, task.baselines)
    return _Items(
        f"{len(articles)} articles",
        references,
        systems,
        against_lead=lambda: lead_comparison(documents, references, lengths),
    )


def _story_items(chosen: Sequence[GoldArticle], task: SummaryTask) -> _Items:
    assert task.clusters is not None
    labels = {str(a.row.get(task.by_field)) for a in chosen}
    scored = [s for s in load_stories(task.clusters) if s.reference and s.label in labels][
        task.part
    ][: task.limit]
    story_docs = story_documents(chosen, scored, task.by_field)
    references = [s.reference for s in scored]
    lengths = task.lengths(references)
    return _Items(
        f"{len(scored)} stories ({sum(map(len, story_docs))} articles)",
        references,
        story_systems(story_docs, lengths, task.baselines),
        lambda: story_checks(story_docs, lengths),
    )
