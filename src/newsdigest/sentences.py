"""Sentence splitting.

blingfire's finite-state splitter handles the cases news text is full of
(abbreviations such as "U.S.", "Mr.", "Jan. 5", "p.m.", initials, quotes and
ellipses) and runs at ~170,000 sentences/s; it needs no downloaded model data.

Line breaks are treated as hard boundaries first: in news text a line without a
final full stop is a headline, a subheading or a caption, never the first half
of the next line's sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import blingfire

_LINE_BREAK = re.compile(r"\s*\n\s*")
# A "sentence" without a single letter or digit ("--", "***") is layout, not text.
_HAS_WORD = re.compile(r"\w")


def split_sentences(text: str) -> list[str]:
    """Split ``text`` into sentences, in order, each stripped of surrounding space."""
    return list(iter_sentences(text))


def first_sentence(text: str) -> str | None:
    """The first sentence of ``split_sentences(text)``, without splitting the rest."""
    return next(iter_sentences(text), None)


def iter_sentences(text: str) -> Iterator[str]:
    """The sentences of ``split_sentences(text)``, one line at a time as they are asked for."""
    for line in _LINE_BREAK.split(text):
        line = line.strip()
        if not line:
            continue
        for sentence in blingfire.text_to_sentences(line).split("\n"):
            sentence = sentence.strip()
            if sentence and _HAS_WORD.search(sentence):
                yield sentence
