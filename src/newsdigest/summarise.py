"""Summarise: extractive TF-IDF sentence ranking, per article and per story.

A summary depends only on its own article (a story summary only on its story's
articles) and the settings: the TF-IDF model is fitted on those sentences alone,
so adding unrelated articles to the input never changes a summary.

Rankers are small interchangeable functions registered by name, so the CLI and
the evaluator can run any of them side by side.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from .model import Document, SentenceRef, Summary

DEFAULT_SENTENCES = 3

# Ranker: sentences of one document -> one score per sentence (higher is better).
Ranker = Callable[[Sequence[str]], np.ndarray]

_WORD = re.compile(r"(?u)\b\w[\w'-]*\w\b|\b\w\b")


def _vectorise(sentences: Sequence[str]):
    """Sentence-by-term TF-IDF matrix fitted on these sentences only (None if no terms)."""
    vectorizer = TfidfVectorizer(
        lowercase=True,
        stop_words="english",
        token_pattern=None,
        tokenizer=_WORD.findall,
        sublinear_tf=True,
    )
    try:
        return vectorizer.fit_transform(sentences)
    except ValueError:  # only stop words, or no words at all
        return None


def _overlap_vectors(sentences: Sequence[str]):
    """Character n-gram TF-IDF rows for telling whether two sentences say the same thing.

    Two outlets reporting one remark rarely share exact words ("renew and redefine"
    / "restore and redefine", "al-Shareh" / "al-Sharaa"); character n-grams within
    words still overlap, where word vectors see little in common.
    """
    return TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True,
                           lowercase=True).fit_transform(sentences)


def tfidf_centroid(sentences: Sequence[str]) -> np.ndarray:
    """Score = cosine to the document's TF-IDF centroid, weighted by a position prior.

    Why: the centroid rewards sentences that carry the document's main terms
    (what BBC-style references pick), and the prior 1/sqrt(1+position) keeps
    news's inverted-pyramid lead in play (what CNN/DailyMail references pick).
    """
    n = len(sentences)
    if n == 0:
        return np.zeros(0)
    matrix = _vectorise(sentences)
    position_prior = 1.0 / np.sqrt(1.0 + np.arange(n))
    if matrix is None:
        return position_prior
    centroid = np.asarray(matrix.sum(axis=0)).ravel()
    norm = np.linalg.norm(centroid)
    if norm == 0:
        return position_prior
    similarity = matrix @ (centroid / norm)  # rows are L2-normalised already
    return (0.2 + np.asarray(similarity).ravel()) * position_prior


def lead(sentences: Sequence[str]) -> np.ndarray:
    """The first sentences first: the classic news baseline."""
    return -np.arange(len(sentences), dtype=float)


RANKERS: dict[str, Ranker] = {
    "tfidf": tfidf_centroid,
    "lead": lead,
}
DEFAULT_RANKER = "tfidf"


@dataclass(frozen=True)
class Length:
    """How long a summary is: a number of sentences, or a word budget."""

    sentences: int = DEFAULT_SENTENCES
    words: int | None = None  # when set, whole sentences while they fit (at least one)


def _select(scores: np.ndarray, sentences: Sequence[str], length: Length) -> list[int]:
    """Indices of the chosen sentences, best first, within the length budget."""
    order = sorted(range(len(sentences)), key=lambda i: (-scores[i], i))
    if length.words is None:
        return order[: max(0, length.sentences)]
    chosen, used = [], 0
    for index in order:
        words = len(sentences[index].split())
        if chosen and used + words > length.words:
            continue
        chosen.append(index)
        used += words
        if used >= length.words:
            break
    return chosen


def summarise_document(document: Document, length: Length = Length(),
                       ranker: str = DEFAULT_RANKER) -> Summary:
    """Extractive summary of one article; sentences in document order."""
    sentences = document.sentences
    if not sentences:
        return Summary(())
    scores = RANKERS[ranker](sentences)
    chosen = sorted(_select(scores, sentences, length))
    return Summary(tuple(SentenceRef(document.id, i, sentences[i]) for i in chosen))


# Two sentences this similar (character n-gram cosine over the story) say the same
# thing. On the seeds, paraphrases of one remark score 0.42-0.72 and distinct
# sentences at most 0.31.
REDUNDANCY_THRESHOLD = 0.4


def summarise_story(documents: Sequence[Document], length: Length = Length()) -> Summary:
    """Summary of a story across its articles, without repeating what two outlets both said.

    Sentences are ranked within their own article (so each article's lead and
    central sentences stand out), then picked best first across articles, skipping
    any sentence too similar to one already picked. The result follows the sources:
    articles in story order, sentences in document order.
    """
    candidates: list[tuple[float, int, int]] = []  # (score, doc index, sentence index)
    texts: list[str] = []
    position: dict[tuple[int, int], int] = {}
    for d, document in enumerate(documents):
        scores = RANKERS[DEFAULT_RANKER](document.sentences)
        for s, text in enumerate(document.sentences):
            position[(d, s)] = len(texts)
            texts.append(text)
            candidates.append((float(scores[s]), d, s))
    if not texts:
        return Summary(())
    matrix = _overlap_vectors(texts)
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    chosen: list[tuple[int, int]] = []
    used_words = 0
    for _, d, s in candidates:
        text = documents[d].sentences[s]
        if chosen:
            row = matrix[position[(d, s)]]
            picked = matrix[[position[c] for c in chosen]]
            if (picked @ row.T).max() >= REDUNDANCY_THRESHOLD:
                continue
        if text in (documents[c[0]].sentences[c[1]] for c in chosen):
            continue
        words = len(text.split())
        if length.words is not None:
            if chosen and used_words + words > length.words:
                continue
        chosen.append((d, s))
        used_words += words
        if length.words is None and len(chosen) >= length.sentences:
            break
        if length.words is not None and used_words >= length.words:
            break
    chosen.sort()
    return Summary(tuple(SentenceRef(documents[d].id, s, documents[d].sentences[s]) for d, s in chosen))


# A sentence is news only one outlet has when nothing the others wrote comes this
# close (character n-gram cosine, as for redundancy, with a margin).
EXCLUSIVE_THRESHOLD = 0.3


def exclusive_sentences(documents: Sequence[Document], per_article: int = 2) -> dict[str, tuple[SentenceRef, ...]]:
    """For each article of a story: its best-ranked sentences that no other article reports.

    Returns an empty mapping for a single-article story: with one source there is
    nothing to compare.
    """
    if len(documents) < 2:
        return {}
    texts, owner = [], []
    for d, document in enumerate(documents):
        texts.extend(document.sentences)
        owner.extend([d] * len(document.sentences))
    if not texts:
        return {}
    matrix = _overlap_vectors(texts)
    owner_array = np.asarray(owner)
    result: dict[str, tuple[SentenceRef, ...]] = {}
    offset = 0
    for d, document in enumerate(documents):
        n = len(document.sentences)
        scores = RANKERS[DEFAULT_RANKER](document.sentences)
        picks = []
        # One product per article (others x its sentences), not one per sentence: the
        # row selection and product dominated builds at scale (issue 7).
        others = matrix[owner_array != d]
        closest = (others @ matrix[offset:offset + n].T).toarray().max(axis=0) if others.shape[0] and n else None
        for s in sorted(range(n), key=lambda i: (-scores[i], i)):
            if closest is not None and closest[s] < EXCLUSIVE_THRESHOLD and len(document.sentences[s].split()) >= 6:
                picks.append(s)
            if len(picks) >= per_article:
                break
        result[document.id] = tuple(SentenceRef(document.id, s, document.sentences[s]) for s in sorted(picks))
        offset += n
    return result
