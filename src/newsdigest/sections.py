"""Sections: what each part of a story page quotes, so that a reader meets each sentence
once. The page shows, in this order, the story summary, key quotes, what each outlet
adds and an excerpt of each article (coverage); a sentence shown in one section, or a
quote inside it, is not shown again in a later one: that section takes its next best
sentence instead, so it goes empty only when its article has nothing new left (a
coverage entry then shows its headline and link).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .model import Document, SentenceRef, Story
from .quotes import Quote, key_quotes
from .sentences import split_sentences

# A piece of a quote this long or longer, found in a sentence, is that quote again.
FRAGMENT_WORDS = 4


def fragments(quote: str) -> list[str]:
    """The sentences a quote is made of (a quote may run over two), without the quote
    marks and end punctuation around them, those of ``FRAGMENT_WORDS`` words or more."""
    pieces = (piece.strip(" \"'.,;:!?") for piece in split_sentences(quote))
    return [piece for piece in pieces if len(piece.split()) >= FRAGMENT_WORDS]


@dataclass
class Shown:
    """The sentences and quotes a page already shows."""

    refs: set[tuple[str, int]] = field(default_factory=set)
    texts: set[str] = field(default_factory=set)
    quoted: list[str] = field(default_factory=list)  # the fragments of the quotes shown

    def add(self, refs: Iterable[SentenceRef]) -> None:
        for ref in refs:
            self.refs.add((ref.article_id, ref.index))
            self.texts.add(ref.text)

    def add_quote(self, quote: str) -> None:
        self.quoted.extend(fragments(quote))

    def holds(self, ref: SentenceRef) -> bool:
        """Whether the sentence, or a quote inside it, is on the page already."""
        return (
            (ref.article_id, ref.index) in self.refs
            or ref.text in self.texts
            or any(piece in ref.text for piece in self.quoted)
        )

    def holds_quote(self, quote: str) -> bool:
        """Whether the quote, or a sentence of it, is on the page already."""
        pieces = fragments(quote) or [quote]
        return any(piece in text for piece in pieces for text in self.texts) or any(
            piece in self.quoted for piece in pieces
        )


@dataclass(frozen=True)
class Sections:
    quotes: tuple[Quote, ...]
    exclusives: dict[str, tuple[SentenceRef, ...]]  # article id -> what only it reports
    coverage: dict[str, tuple[SentenceRef, ...]]  # article id -> its excerpt, in text order


def story_sections(
    story: Story,
    members: Sequence[Document],
    scores: dict[str, Sequence[float]],
    exclusives: dict[str, tuple[SentenceRef, ...]],
    quotes: int,
    per_article: int,
    excerpt_sentences: int,
) -> Sections:
    """The page's sections after its summary, each sentence once.

    ``exclusives[id]``: the article's candidates for what it adds, best first (more than
    ``per_article`` of them); ``scores[id]``: the ranker's scores of its sentences, for
    the coverage excerpt (its ``excerpt_sentences`` best sentences not shown above).
    """
    shown = Shown()
    shown.add(story.summary.sentences)
    picked_quotes = tuple(key_quotes(members, quotes, skip=shown.holds_quote))
    for quote in picked_quotes:
        shown.add_quote(quote.text)
    adds: dict[str, tuple[SentenceRef, ...]] = {}
    for document in members:
        fresh = [r for r in exclusives.get(document.id, ()) if not shown.holds(r)][:per_article]
        if fresh:
            adds[document.id] = tuple(sorted(fresh, key=lambda r: r.index))
            shown.add(fresh)
    coverage = {d.id: _excerpt(d, scores[d.id], excerpt_sentences, shown) for d in members}
    return Sections(picked_quotes, adds, coverage)


def _excerpt(
    document: Document, scores: Sequence[float], count: int, shown: Shown
) -> tuple[SentenceRef, ...]:
    """The article's ``count`` best sentences that the page does not show yet, in text order
    (the article's own summary when nothing of it is shown above)."""
    order = sorted(range(len(document.sentences)), key=lambda i: (-scores[i], i))
    picked: list[SentenceRef] = []
    for index in order:
        ref = SentenceRef(document.id, index, document.sentences[index])
        if not shown.holds(ref):
            picked.append(ref)
            if len(picked) >= count:
                break
    return tuple(sorted(picked, key=lambda r: r.index))
