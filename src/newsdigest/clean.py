"""Cleaning: normalise text and remove publishing boilerplate.

Boilerplate is removed here, once, so that no later stage (summaries, grouping,
search) ever sees it. Each rule is a whole-line pattern: matching whole lines
(anchored, no nested quantifiers) keeps the regexes linear on long texts and
keeps a rule from eating part of a real sentence.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

from .model import Article
from .sentences import split_sentences

# "The post <title> appeared first on <outlet>." - the WordPress feed trailer.
# The title and outlet it names are real metadata, kept when the input has none.
_POST_TRAILER = re.compile(
    r"^The post (?P<title>[^\n]{1,500}?) appeared first on (?P<outlet>[^\n]{1,100}?)\.?$", re.MULTILINE
)

# Lines that are publishing furniture, not reporting. Anchored at both ends.
_BOILERPLATE_LINES = [
    r"Bonus video:?",
    r"(?:Watch|Related|Bonus|Featured) (?:video|videos|coverage|stories|story)\s*:?.{0,80}",
    r"(?:Read|See) (?:more|also)\s*:.{0,200}",
    r"Advertisement",
    r"Share (?:this|on) (?:article|story|Facebook|Twitter|X)\W*",
    r"(?:Follow|Like) us on (?:Twitter|Facebook|Instagram|X)\b.{0,100}",
    r"Sign up (?:for|to) our .{0,100}newsletter.{0,100}",
    r"Click here to .{0,150}",
    r"Copyright \d{4}.{0,150}",
    r"All rights reserved\.?",
    r"This material may not be published, broadcast, rewritten,? or redistributed\.?",
]
_BOILERPLATE = re.compile(
    r"^[ \t]*(?:" + "|".join(_BOILERPLATE_LINES) + r")[ \t]*$", re.MULTILINE | re.IGNORECASE
)

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
                         "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"',
                         "\u00a0": " ", "\u2007": " ", "\u202f": " "})
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u200c\u200d\ufeff]")
_SPACES = re.compile(r"[ \t]+")
_BLANK_LINES = re.compile(r"\n{3,}")

# A title taken from the first sentence is cut at a word boundary near this length.
DERIVED_TITLE_CHARS = 100


def normalise_text(text: str) -> str:
    """Unicode NFC, straight quotes, no control characters, tidy whitespace.

    Straight quotes make "al-Sharaa’s" and "al-Sharaa's" the same token for the
    summariser and the grouper; the reader sees no difference that matters.
    """
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text.translate(_QUOTES))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


@dataclass(frozen=True)
class Trailer:
    """What a "The post ... appeared first on ..." trailer says about its article."""

    title: str
    outlet: str


def strip_boilerplate(text: str) -> tuple[str, Trailer | None]:
    """Remove boilerplate lines; return the text and the trailer's metadata, if any."""
    trailer = None
    match = _POST_TRAILER.search(text)
    if match:
        trailer = Trailer(match.group("title").strip(), match.group("outlet").strip())
        text = _POST_TRAILER.sub("", text)
    text = _BOILERPLATE.sub("", text)
    return _BLANK_LINES.sub("\n\n", text).strip(), trailer


def derive_title(text: str) -> str | None:
    """The first sentence, cut at a word boundary if long; None for empty text."""
    sentences = split_sentences(text)
    if not sentences:
        return None
    first = sentences[0]
    if len(first) <= DERIVED_TITLE_CHARS:
        return first.rstrip(".")
    cut = first[:DERIVED_TITLE_CHARS].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def clean_article(article: Article) -> Article:
    """Return the article with normalised, boilerplate-free text and honest derived metadata.

    Title and outlet are taken from a feed trailer that names them; failing that, a
    title from the article's own first sentence (marked as derived). Nothing else
    is invented: unknown metadata stays None.
    """
    text, trailer = strip_boilerplate(normalise_text(article.text))
    changes: dict = {"text": text}
    if article.title:
        changes["title"] = normalise_text(article.title)
    elif trailer:
        changes["title"] = trailer.title
    else:
        derived = derive_title(text)
        if derived:
            changes.update(title=derived, title_derived=True)
    if not article.source and trailer:
        changes["source"] = trailer.outlet
    return replace(article, **changes)
