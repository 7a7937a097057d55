"""Quotes: what a story page shows as key quotes, each with its speaker.

A sentence's quote is its first quotation of MIN_QUOTE_WORDS or more words in
straight double quotes (the cleaner makes every quote mark straight), marks paired
in order; Title Case words in quotes are a name ("The Late Show Tonight"), not speech.
Its speaker comes from the attribution next to it: first the words just after it
('"...," Putin said', '"...," said Putin', '"..." -- Putin'), else the nearest
speech verb before it ('Ada Moss told reporters on Monday that "..."'). The speaker is
the name that attribution gives, without the role or title around it ("CNN senior
political analyst David Gergen" -> "David Gergen", "Mayor Elena Marsh" -> "Elena
Marsh"); a title alone ("the mayor said"), a pronoun or a description ("officials
said", "a German official said") leaves it unknown. Nothing is guessed from other
sentences: "he said" stays unknown rather than resolving the pronoun.

How well: ``newsdigest eval quotes`` against hand-labelled sentences of the dev corpus
(``eval/quote_labels*.jsonl``; ``newsdigest.evaluation.quotes``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .model import Document
from .speakers import speaker_following, speaker_preceding

# A sentence's quote is its first quotation of MIN_QUOTE_WORDS or more words in
# straight double quotes (the cleaner makes every quote mark straight), marks paired
# in order; Title Case words in quotes are a name ("The Late Show Tonight"), not speech.
# Its speaker comes from the attribution next to it: first the words just after it
# ('"...," Putin said', '"...," said Putin', '"..." -- Putin'), else the nearest
# speech verb before it ('Ada Moss told reporters on Monday that "..."'). The speaker is
# the name that attribution gives, without the role or title around it ("CNN senior
# political analyst David Gergen" -> "David Gergen", "Mayor Elena Marsh" -> "Elena
# Marsh"); a title alone ("the mayor said"), a pronoun or a description ("officials
# said", "a German official said") leaves it unknown. Nothing is guessed from other
# sentences: "he said" stays unknown rather than resolving the pronoun.

MIN_QUOTE_WORDS = 6
_SMALL_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "and",
        "or",
        "in",
        "on",
        "at",
        "to",
        "for",
        "with",
        "by",
        "from",
        "as",
        "is",
    ]
)
_QUOTATION = re.compile(r'"([^"]*)"')


@dataclass(frozen=True)
class Quote:
    text: str
    speaker: str | None
    article_id: str
    indices: tuple[int, ...] = ()  # the article's sentences the quote's sentence spans


def _is_title(quotation: str) -> bool:
    """Title Case words ("The Late Show With Someone Famous") are a name, not speech."""
    upper = lower = 0
    for word in quotation.split():
        first = word.lstrip("'([")[:1]
        if first.isupper():
            upper += 1
        elif first.isalpha() and word not in _SMALL_WORDS:
            lower += 1
    return upper >= 3 and upper >= 4 * lower  # four in five words or more


def joined_sentences(document: Document) -> list[str]:
    """Sentences, with a quote that the splitter cut in two joined back into one."""
    return [text for text, _ in joined_spans(document)]


def joined_spans(document: Document) -> list[tuple[str, tuple[int, ...]]]:
    """``joined_sentences``, each with the indices of the article's sentences it joins."""
    out: list[tuple[str, tuple[int, ...]]] = []
    pending, indices = "", []
    for index, sentence in enumerate(document.sentences):
        text = f"{pending} {sentence}".strip() if pending else sentence
        indices.append(index)
        if text.count('"') % 2 == 1 and len(text) < 1200:
            pending = text
            continue
        out.append((text, tuple(indices)))
        pending, indices = "", []
    if pending:
        out.append((pending, tuple(indices)))
    return out


def quote_in(sentence: str) -> tuple[str, str | None] | None:
    """The quote of a sentence (as ``joined_sentences`` gives it) and its speaker where
    the sentence names one; None when it holds no quote of ``MIN_QUOTE_WORDS`` words."""
    if '"' not in sentence:  # most sentences have no quote mark
        return None
    quotations = [
        m
        for m in _QUOTATION.finditer(sentence)
        if len(m.group(1).split()) >= MIN_QUOTE_WORDS and not _is_title(m.group(1))
    ]
    if not quotations:
        return None
    first = quotations[0]
    after_end = quotations[1].start() if len(quotations) > 1 else len(sentence)
    closed = first.group(1).rstrip().endswith(".") and not first.group(1).rstrip().endswith("..")
    found, who = speaker_following(sentence[first.end() : after_end], closed)
    if not found:
        who = speaker_preceding(sentence[: first.start()])
    return first.group(1).strip().rstrip(","), who


def find_quotes(document: Document) -> list[Quote]:
    """Quotes in an article, in order, each with its speaker where the sentence names one."""
    quotes = []
    for sentence, indices in joined_spans(document):
        found = quote_in(sentence)
        if found:
            quotes.append(Quote(found[0], found[1], document.id, indices))
    return quotes


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def key_quotes(
    documents: Sequence[Document], limit: int, skip: Callable[[str], bool] = lambda text: False
) -> list[Quote]:
    """Up to ``limit`` quotes: attributed ones first, one per article before a second,
    and never two that say nearly the same words (outlets often quote one remark);
    none whose text ``skip`` says is on the page already."""
    per_article = [find_quotes(d) for d in documents]
    ordered: list[Quote] = []
    for round_ in range(max((len(q) for q in per_article), default=0)):
        ordered.extend(q[round_] for q in per_article if round_ < len(q))
    ordered.sort(key=lambda q: q.speaker is None)  # stable: keeps the round-robin order
    chosen: list[Quote] = []
    for quote in ordered:
        if skip(quote.text):
            continue
        words = _words(quote.text)
        if any(
            len(words & _words(c.text)) / max(1, len(words | _words(c.text))) > 0.4 for c in chosen
        ):
            continue
        chosen.append(quote)
        if len(chosen) >= limit:
            break
    return chosen
