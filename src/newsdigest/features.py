"""Per-article features of the global stages, made once per article and cached with it.

Finding copies (``dedupe``) and grouping (``group``) compare every article with
the others, but what they compare is a property of each article alone: its word
5-gram shingles and its names and numbers. These are computed in the per-article
stage (on the workers, in batches) and kept in the article cache, so a rebuild after a
few new articles arrive extracts them for those articles only. Documents made
elsewhere (tests, evaluation, ``summarize``) have none, and the stages compute
them on the spot: the result is the same either way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from .model import Article
from .ngrams import word_shingles

SHINGLE_WORDS = 5
# Word 5-grams hashed to 26 bits: with a million shingles, few collide, and a collision
# can only add a shared shingle or two, far from dedupe's 80% threshold.
SHINGLE_BITS = 26
_SHINGLE_TOKEN = re.compile(r"(?u)\b\w+\b")  # every word, one letter or digit too


def shingle_sets(texts: Sequence[str]) -> list[np.ndarray]:
    """Each text's distinct hashed word 5-grams (lower-cased), ascending (uint32)."""
    return word_shingles([_SHINGLE_TOKEN.findall(text.lower()) for text in texts], SHINGLE_WORDS, SHINGLE_BITS)


def titled_text(article: Article, sentences: Sequence[str]) -> str:
    """The title (unless it was derived from the first sentence) and the sentences, a line each."""
    title = article.title if not article.title_derived else ""
    return "\n".join([title or "", *sentences])


_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+|\n+")
_NAME_OR_NUMBER = re.compile(r"\b[A-Z][A-Za-z'’-]+\b|\b\d[\d,.:]*\d\b|\b\d\b")


def names_and_numbers(text: str, fold: bool = True) -> list[str]:
    """Capitalised words not opening a sentence, and numbers: the features that tell events apart.

    With ``fold``, trailing "'s" and "s" go too (a crude but symmetric stem), so
    "Oscars", "Oscar's" and "Oscar" are one feature.
    """
    tokens = []
    for sentence in _SENTENCE_SPLIT.split(text):
        for match in _NAME_OR_NUMBER.finditer(sentence):
            if match.start() == 0:  # a capital that only opens the sentence says nothing
                continue
            token = match.group(0)
            tokens.append(fold_name(token) if fold else token)
    return tokens


def fold_name(token: str) -> str:
    """Possessive and plural endings go: "Oscars", "Oscar's" and "Oscar" are one name."""
    return token.lower().rstrip("'’s") or token.lower()
