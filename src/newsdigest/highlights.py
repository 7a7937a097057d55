"""Highlights: what a story page shows beyond the summary: key quotes with their
speaker (``newsdigest.quotes``), key terms, a timeline of coverage and who reported first.

Everything here is taken from the articles' own text and metadata; nothing is
guessed. A quote gets a speaker only where the sentence names one ("...," Putin
said); "he said" leaves the speaker unknown rather than resolving the pronoun.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from .dates import local_day
from .executor import Executor
from .languages import primary, stop_words, story_language
from .model import Article, Document, SentenceRef, Story
from .ngrams import ngram_hashes, tfidf, word_ngram_counts
from .quotes import Quote
from .sections import story_sections
from .settings import Settings

# Words every news story uses; they never describe one story.
_NEWS_WORDS = {
    "said",
    "says",
    "told",
    "according",
    "reported",
    "reports",
    "reuters",
    "afp",
    "ap",
    "year",
    "years",
    "new",
    "also",
    "would",
    "could",
    "one",
    "two",
    "last",
    "week",
    "today",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
}
_STOP = frozenset(ENGLISH_STOP_WORDS | _NEWS_WORDS)


_TERM = re.compile(r"(?u)\b[^\W\d_][\w'-]*[^\W_]\b")  # words of two or more letters, not numbers
# Candidate terms looked at per story: the best-weighted, well beyond ``limit`` so that
# phrases overlapping a picked term can be passed over.
_CANDIDATES = 40


def _stop_words(language: str | None) -> frozenset[str]:
    """Words that never describe a story in its language: English's and the words every
    news story uses for English (or an unknown language), the language's own otherwise."""
    if primary(language) in (None, "en"):
        return _STOP
    return stop_words(language) or _STOP


class KeyTerms:
    """Each story's ``limit`` most distinctive terms (TF-IDF across the stories), as they
    are written in its text ("Kremlin", "al-Sharaa").

    Two steps: the weights across all stories (here), then one story's terms on demand
    (``key_terms(i)`` for the story at index ``i``), so that the second step can run in
    other processes.
    """

    def __init__(
        self, texts: Sequence[str], limit: int, languages: Sequence[str | None] | None = None
    ):
        self.texts, self.limit = texts, limit
        if limit == 0 or not texts:
            self.matrix = None
            return
        stops = [_stop_words(lang) for lang in languages or [None] * len(texts)]
        self.token_lists = [
            [w for w in _TERM.findall(text.lower()) if w not in stop]
            for text, stop in zip(texts, stops)
        ]
        counts, self.column_hashes = word_ngram_counts(self.token_lists, (1, 2), with_hashes=True)
        self.matrix = tfidf(counts)

    def __call__(self, i: int) -> list[str]:
        if self.matrix is None:
            return []
        row, tokens = self.matrix[i], self.token_lists[i]
        if not row.nnz:
            return []
        # The best-weighted columns, then their n-grams found back in this text's tokens;
        # ties go alphabetically, so the choice does not depend on hash values.
        cut = np.sort(row.data)[::-1][min(_CANDIDATES, row.nnz) - 1]
        best = row.data >= cut  # every column tied with the last candidate too
        weight = dict(zip(self.column_hashes[row.indices[best]].tolist(), row.data[best].tolist()))
        hashes, starts, sizes = ngram_hashes(tokens, (1, 2))
        # One occurrence of each weighted n-gram (a story has thousands of n-grams, a few dozen
        # weighted).
        found = np.flatnonzero(np.isin(hashes, self.column_hashes[row.indices[best]]))
        _, first = np.unique(hashes[found], return_index=True)
        terms = {
            " ".join(tokens[start : start + size]): weight[h]
            for h, start, size in zip(
                hashes[found[first]].tolist(),
                starts[found[first]].tolist(),
                sizes[found[first]].tolist(),
            )
        }
        picked: list[str] = []
        for term in sorted(terms, key=lambda t: (-terms[t], t)):
            # A phrase and its own words say the same thing twice: keep whichever ranks first.
            parts = set(term.split())
            if any(parts <= set(p.split()) or set(p.split()) <= parts for p in picked):
                continue
            picked.append(term)
            if len(picked) >= self.limit:
                break
        return surfaces(picked, self.texts[i])


def surfaces(terms: list[str], text: str) -> list[str]:
    """The most frequent spelling of each lower-cased term in the text.

    A term is found where its words stand as whole words separated by white space, in
    any case. Where several terms start at one place, the longest counts ("Wales
    captain" there is not also "Wales"). Found with ``str.find`` on the lower-cased
    text: compiling one regular expression per story cost more than the search.
    """
    if not terms:
        return []
    lowered = text.lower()
    if len(lowered) != len(
        text
    ):  # a letter whose lower case is longer ("İ"): positions would drift
        return surfaces_by_pattern(terms, text)
    found: dict[int, int] = {}  # start -> end of the longest term starting there
    for term in sorted(terms, key=len, reverse=True):
        words = term.split()
        start = lowered.find(words[0])
        while start != -1:
            end = _words_end(lowered, start, words)
            if end is not None:
                found.setdefault(start, end)
            start = lowered.find(words[0], start + 1)
    return _most_frequent_spellings(terms, (text[start:end] for start, end in found.items()))


def _most_frequent_spellings(terms: list[str], found: Iterable[str]) -> list[str]:
    """For each term, its spelling found most often (ties: the first in sort order), or itself."""
    forms: dict[str, Counter] = {term: Counter() for term in terms}
    for match in found:
        form = " ".join(match.split())
        if form.lower() in forms:
            forms[form.lower()][form] += 1
    return [max(sorted(forms[t]), key=lambda f: forms[t][f]) if forms[t] else t for t in terms]


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"  # what \w matches in a str pattern


def _words_end(lowered: str, start: int, words: list[str]) -> int | None:
    """Where ``words`` end if they stand at ``start`` as whole words separated by white space."""
    if start and _is_word_char(lowered[start - 1]):
        return None
    position = start
    for number, word in enumerate(words):
        if number:
            gap = position
            while position < len(lowered) and lowered[position].isspace():
                position += 1
            if position == gap:
                return None
        if not lowered.startswith(word, position):
            return None
        position += len(word)
    if position < len(lowered) and _is_word_char(lowered[position]):
        return None
    return position


def surfaces_by_pattern(terms: list[str], text: str) -> list[str]:
    """``surfaces`` with one regular expression (for text whose lower case changes length)."""
    # A look-ahead, so that overlapping terms ("Wales captain", "captain Gareth") all match.
    pattern = re.compile(
        r"(?=\b("
        + "|".join(
            r"\s+".join(re.escape(w) for w in term.split())
            for term in sorted(terms, key=len, reverse=True)
        )
        + r")\b)",
        re.IGNORECASE,
    )
    return _most_frequent_spellings(terms, (match.group(1) for match in pattern.finditer(text)))


@dataclass(frozen=True)
class Day:
    day: date
    article_ids: tuple[str, ...]


def timeline(articles: Sequence[Article], zone: ZoneInfo) -> list[Day]:
    """Dated coverage by day in the site's time zone, oldest first; empty when it fits in one
    day."""
    days: dict[date, list[str]] = {}
    for moment, article_id in sorted((a.date, a.id) for a in articles if a.date):
        days.setdefault(local_day(moment, zone), []).append(article_id)
    if len(days) < 2:
        return []
    return [Day(day, tuple(ids)) for day, ids in sorted(days.items())]


def first_reported(articles: Sequence[Article]) -> tuple[datetime | None, tuple[str, ...]]:
    """The earliest date of a story and the article(s) that share it, by id."""
    dated = [(a.date, a.id) for a in articles if a.date]
    if not dated:
        return None, ()
    earliest = min(moment for moment, _ in dated)
    return earliest, tuple(sorted(i for moment, i in dated if moment == earliest))


@dataclass(frozen=True)
class Highlights:
    """What a story page shows beyond the summary."""

    quotes: tuple[Quote, ...]
    terms: tuple[str, ...]
    timeline: tuple[Day, ...]
    first_date: datetime | None  # when the story was first reported
    first: tuple[str, ...]  # the article(s) that reported it first
    exclusives: dict[str, tuple[SentenceRef, ...]]  # article id -> what only it reports, shown
    coverage: dict[str, tuple[SentenceRef, ...]]  # article id -> its excerpt under Coverage
    language: str | None  # the story's language when its articles agree


# Stories per task when highlights are found on several processes.
STORIES_PER_TASK = 100


def story_highlights(
    stories: Sequence[Story],
    texts: Sequence[str],
    documents: dict[str, Document],
    scores: dict[str, Sequence[float]],
    exclusives: dict[str, tuple[SentenceRef, ...]],
    settings: Settings,
    executor: Executor = Executor(),
) -> dict[str, Highlights]:
    """Every story's highlights; ``texts[i]``: the titles and texts of ``stories[i]``;
    ``scores``: each article's sentence scores; ``exclusives``: each article's candidates
    for what it adds (see ``sections.story_sections``: each sentence once per page).

    Key terms are weighted across these stories (the published ones), so a term says
    what sets a story apart from the others on the site.
    """
    zone = ZoneInfo(settings.timezone)
    languages = [story_language(documents[a].article for a in s.article_ids) for s in stories]
    key_terms = KeyTerms(texts, settings.key_terms, languages)

    def highlights(i: int) -> Highlights:
        story = stories[i]
        members = [documents[a] for a in story.article_ids]
        articles = [d.article for d in members]
        first_date, first = first_reported(articles)
        sections = story_sections(
            story,
            members,
            scores,
            exclusives,
            settings.key_quotes,
            settings.exclusive_sentences,
            settings.summary_sentences,
        )
        return Highlights(
            sections.quotes,
            tuple(key_terms(i)),
            tuple(timeline(articles, zone)),
            first_date,
            first,
            sections.exclusives,
            sections.coverage,
            languages[i],
        )

    found = executor.fork_map(highlights, len(stories), STORIES_PER_TASK)
    return {story.slug: h for story, h in zip(stories, found)}
