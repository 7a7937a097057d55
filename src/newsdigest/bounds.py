"""Bounds on one article: how much of it the build reads, in characters and in sentences.

Every later step that compares an article's sentences with each other (the ranker's
sentence-by-term matrix, centrality's sentences x sentences similarities, a story's
sentence pairs) grows with the square of its sentences, so an article is cut to these
bounds first, in ``prepare``, before any of them runs. A news article is a few thousand
characters and tens of sentences; a long feature runs to some 60,000 characters and
600 sentences, which both bounds keep whole. Anything longer (a book, a log, a whole
site pasted into one file) is summarised from its beginning, and its page says so.
"""

from __future__ import annotations

from dataclasses import dataclass

# Characters of an article read (the rest is dropped before cleaning): five times a
# long feature. At 200,000 characters cleaning and splitting take some 50 ms.
MAX_ARTICLE_CHARS = 200_000
# Sentences of an article kept: their sentences x sentences matrix is at most 8 MB.
MAX_ARTICLE_SENTENCES = 1_000
# The marker ``prepare`` leaves in a cut article's extras (its value says how much was
# read), which the story page shows.
CUT_EXTRA = "newsdigest_cut"


@dataclass(frozen=True)
class Cut:
    """What was dropped from a long article (nothing when both are False)."""

    chars: bool = False  # its text was cut at MAX_ARTICLE_CHARS
    sentences: bool = False  # its sentences were cut at MAX_ARTICLE_SENTENCES

    def __bool__(self) -> bool:
        return self.chars or self.sentences

    def describe(self, sentences: int) -> str:
        """What the page says about the part read: ``sentences`` of them were kept."""
        if self.sentences:
            return f"its first {sentences:,} sentences"
        return f"its first {MAX_ARTICLE_CHARS:,} characters ({sentences:,} sentences)"


def bound_text(text: str) -> tuple[str, bool]:
    """``text`` cut to at most MAX_ARTICLE_CHARS, at the last line break or space before
    the bound when there is one in its last tenth; (text, whether it was cut)."""
    if len(text) <= MAX_ARTICLE_CHARS:
        return text, False
    head = text[:MAX_ARTICLE_CHARS]
    floor = MAX_ARTICLE_CHARS * 9 // 10
    for mark in ("\n", " "):
        at = head.rfind(mark, floor)
        if at > 0:
            return head[:at], True
    return head, True
