"""Summarise: extractive summaries of an article and of a story, from the sentences a
ranker (``newsdigest.rankers``) scores, within a length budget.

A summary depends only on its own article (a story summary only on its story's
articles) and the settings, so adding unrelated articles to the input never changes
a summary.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix

from .model import Document, SentenceRef, Summary
from .ngrams import char_ngram_counts, tfidf
from .rankers import DEFAULT_RANKER, RANKERS, leans_on_previous

DEFAULT_SENTENCES = 3


def overlap_vectors(sentences: Sequence[str]) -> csr_matrix:
    """Character n-gram TF-IDF rows for telling whether two sentences say the same thing.

    Two outlets reporting one remark rarely share exact words ("renew and redefine"
    / "restore and redefine", "al-Shareh" / "al-Sharaa"); character n-grams within
    words still overlap, where word vectors see little in common. Hashed n-grams
    (``newsdigest.ngrams``): the story stage builds one such matrix per story, and
    scikit-learn's vectorizer made that the slowest stage at 10,000 articles.
    """
    return tfidf(char_ngram_counts(sentences))


@dataclass(frozen=True)
class Length:
    """How long a summary is: a number of sentences, or a word budget."""

    sentences: int = DEFAULT_SENTENCES
    words: int | None = None  # when set, whole sentences while they fit (at least one)


def select(scores: np.ndarray, sentences: Sequence[str], length: Length) -> list[int]:
    """Indices of the chosen sentences, best first, within the length budget.

    With a word budget, sentences are taken best first, each one that still fits
    (a sentence too long for what is left is passed over for a shorter one), and
    the best sentence always, even when it alone is over the budget.
    """
    order = sorted(range(len(sentences)), key=lambda i: (-scores[i], i))
    if length.words is None:
        return order[: max(0, length.sentences)]
    chosen: list[int] = []
    used = 0
    for index in order:
        words = len(sentences[index].split())
        if chosen and used + words > length.words:
            continue
        chosen.append(index)
        used += words
        if used >= length.words:
            break
    return chosen


def summarise_document(
    document: Document,
    length: Length = Length(),
    ranker: str = DEFAULT_RANKER,
    scores: Sequence[float] | None = None,
) -> Summary:
    """Extractive summary of one article; sentences in document order.

    ``scores``: the ranker's scores of these sentences when already made (the
    per-article stage keeps the default ranker's); else they are computed here.
    """
    sentences = document.sentences
    if not sentences:
        return Summary(())
    ranked = np.asarray(scores) if scores is not None else RANKERS[ranker](sentences)
    chosen = sorted(select(ranked, sentences, length))
    return Summary(tuple(SentenceRef(document.id, i, sentences[i]) for i in chosen))


# Two sentences this similar (character n-gram cosine over the story) say the same
# thing. On the seeds, paraphrases of one remark score 0.42-0.72 and distinct
# sentences at most 0.31; on multinews_sample, two outlets' versions of one fact
# ("A sniper with Canada's elite special forces ... world record") scored
# 0.38-0.40 and slipped through a threshold of 0.4.
REDUNDANCY_THRESHOLD = 0.35


# Stories up to this many sentences get their sentence-by-sentence similarities in one
# dense product (3,000 sentences: 36 MB); larger ones are compared row by row.
DENSE_STORY_SENTENCES = 3000


class StorySentences:
    """Every sentence of a story's articles, with their character n-gram vectors.

    Built once per story and shared by the story summary and the exclusive
    sentences, which compare the same sentences.
    """

    def __init__(self, documents: Sequence[Document]):
        self.offsets = np.cumsum([0] + [len(d.sentences) for d in documents])
        self.texts = [text for d in documents for text in d.sentences]
        self.owner = np.repeat(np.arange(len(documents)), np.diff(self.offsets))
        self.matrix = matrix = overlap_vectors(self.texts) if self.texts else None
        # Transposed once: each product below would otherwise transpose the whole story.
        self.columns = columns = matrix.T.tocsr() if matrix is not None else None
        # Every pair at once when that is small: a story's summary and exclusives ask
        # for a dozen rows or more, and each small sparse product costs more in
        # scipy's checks than in arithmetic. Row by row (the same numbers) for huge stories.
        self.all_pairs = (
            (matrix @ columns).toarray()
            if matrix is not None and len(self.texts) <= DENSE_STORY_SENTENCES
            else None
        )

    def row(self, d: int, s: int) -> int:
        return int(self.offsets[d]) + s

    def similarity_to(self, rows: Sequence[int]) -> np.ndarray:
        """(len(rows), all sentences) cosine similarities, dense."""
        if self.all_pairs is not None:
            return self.all_pairs[list(rows)]
        assert self.matrix is not None and self.columns is not None, "a story without sentences"
        return (self.matrix[list(rows)] @ self.columns).toarray()


def story_opening(
    documents: Sequence[Document], scores: Sequence[Sequence[float]], story: StorySentences
) -> tuple[int, int]:
    """(doc index, sentence index) of the sentence that best states the story's event.

    Each article's top-ranked sentence is its statement of the news (for the default
    ranker: its lead, less captions and openers that are not news); of these, the
    one closest to the other articles' (character n-gram cosine, mean over the other
    articles) is what the outlets agree happened. Ties, and every story of one or two
    articles, go to the earlier article. Multi-News development stories, 250 words: the
    summary's first sentence scores R-1 23.57 against the reference's first sentence
    this way, 22.43 always opening with the first article's lead, 21.3 with no choice
    of opening. The price is what comes before the opening in source order and so
    cannot be picked: the whole summary's R-1 is 44.22 against 44.65 opening with the
    first article's lead (on the first 60 stories, 43.24 against 42.80).
    """
    tops = [
        (d, int(np.argmax(scores[d]))) for d, document in enumerate(documents) if document.sentences
    ]
    if len(tops) < 3:
        return tops[0]
    rows = [story.row(d, s) for d, s in tops]
    similarity = story.similarity_to(rows)[:, rows]
    agreement = (similarity.sum(axis=1) - np.diagonal(similarity)) / (len(tops) - 1)
    return tops[int(np.argmax(agreement))]  # the first of equals


def summarise_story(
    documents: Sequence[Document],
    length: Length = Length(),
    scores: Sequence[Sequence[float]] | None = None,
    story: StorySentences | None = None,
) -> Summary:
    """Summary of a story across its articles, without repeating what two outlets both said.

    It opens with what happened: the first sentence picked is ``story_opening``, and
    since the summary keeps source order (articles in story order, sentences in
    document order), nothing that comes before it in that order is picked after it.
    The rest are picked best first by their rank within their own article (so each
    article's lead stands out), skipping any sentence too similar to one already
    picked, and any that leans on a sentence before it (``leans_on_previous``) that
    was not picked. ``scores[d]``: the default ranker's scores of ``documents[d]``,
    when the per-article stage made them.
    """
    story = story or StorySentences(documents)
    if not story.texts:
        return Summary(())
    if scores is None:
        scores = [list(RANKERS[DEFAULT_RANKER](d.sentences)) for d in documents]
    opening = story_opening(documents, scores, story)
    candidates: list[tuple[float, int, int]] = []  # (score, doc index, sentence index)
    for d, document in enumerate(documents):
        candidates.extend(
            (float(scores[d][s]), d, s) for s in range(len(document.sentences)) if (d, s) > opening
        )
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    chosen = _pick(documents, story, [opening] + [(d, s) for _, d, s in candidates], length)
    return Summary(
        tuple(SentenceRef(documents[d].id, s, documents[d].sentences[s]) for d, s in sorted(chosen))
    )


def _pick(
    documents: Sequence[Document],
    story: StorySentences,
    order: Sequence[tuple[int, int]],
    length: Length,
) -> list[tuple[int, int]]:
    """The sentences taken in ``order`` within the budget: none too close to one already
    taken, none that leans on a sentence before it that was not taken."""
    # The closest any picked sentence comes to each sentence, updated as sentences are
    # picked: one row of similarities per pick instead of one comparison per candidate.
    closest = np.full(len(story.texts), -1.0)
    picked_texts: set[str] = set()
    chosen: list[tuple[int, int]] = []
    used_words = 0
    for d, s in order:
        text = documents[d].sentences[s]
        if closest[story.row(d, s)] >= REDUNDANCY_THRESHOLD or text in picked_texts:
            continue
        if chosen and s > 0 and (d, s - 1) not in chosen and leans_on_previous(text):
            continue
        words = len(text.split())
        if length.words is not None and chosen and used_words + words > length.words:
            continue
        chosen.append((d, s))
        picked_texts.add(text)
        used_words += words
        if length.words is None and len(chosen) >= length.sentences:
            break
        if length.words is not None and used_words >= length.words:
            break
        closest = np.maximum(closest, story.similarity_to([story.row(d, s)])[0])
    return chosen


# A sentence is news only one outlet has when nothing the others wrote comes this
# close (character n-gram cosine, as for redundancy, with a margin).
EXCLUSIVE_THRESHOLD = 0.3
# Sentences of an article looked at together, in its own order, when finding what only
# it reports: one product for the lot, and rarely a second one.
_EXCLUSIVE_BATCH = 8


def exclusive_sentences(
    documents: Sequence[Document], per_article: int = 2, story: StorySentences | None = None
) -> dict[str, tuple[SentenceRef, ...]]:
    """For each article of a story: its best-ranked sentences that no other article reports.

    Returns an empty mapping for a single-article story: with one source there is
    nothing to compare.
    """
    if len(documents) < 2:
        return {}
    story = story or StorySentences(documents)
    if not story.texts:
        return {}
    result: dict[str, tuple[SentenceRef, ...]] = {}
    for d, document in enumerate(documents):
        # The outlet's own order ranks its exclusives: centrality would favour what
        # the article is mostly about, which is what the other outlets report too,
        # while what one outlet adds sits in its inverted pyramid below the lead.
        # Sentences under six words (datelines, captions) are never news of their own.
        order = [
            s for s in range(len(document.sentences)) if len(document.sentences[s].split()) >= 6
        ]
        others = story.owner != d
        picks: list[int] = []
        for start in range(0, len(order), _EXCLUSIVE_BATCH):
            if len(picks) >= per_article or not others.any():
                break
            batch = order[start : start + _EXCLUSIVE_BATCH]
            closest = story.similarity_to([story.row(d, s) for s in batch])[:, others].max(axis=1)
            picks.extend(s for s, near in zip(batch, closest) if near < EXCLUSIVE_THRESHOLD)
        picks = picks[:per_article]
        result[document.id] = tuple(
            SentenceRef(document.id, s, document.sentences[s]) for s in sorted(picks)
        )
    return result


# A story's summary, and for each article the sentences only it reports.
StoryResult = tuple[Summary, dict[str, tuple[SentenceRef, ...]]]


def story_summary_and_exclusives(
    story: tuple[Sequence[Document], Sequence[Sequence[float]]], length: Length, per_article: int
) -> StoryResult:
    """Both story-level results of ``(documents, their scores)`` from one set of sentence
    vectors (the build's story stage)."""
    documents, scores = story
    sentences = StorySentences(documents)
    return (
        summarise_story(documents, length, scores, sentences),
        exclusive_sentences(documents, per_article, sentences),
    )
