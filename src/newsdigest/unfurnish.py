"""Furniture out of an article's text: whole lines, and what is glued inside sentences.

``clean.strip_boilerplate`` removes the lines it knows by their wording; this removes
what ``furniture.py`` recognises by its make-up, line by line and then sentence by
sentence (the text is split into sentences first, so that one glued sentence is
judged as the two it is):

- a line that is furniture and no prose (jusText's test) goes whole: "Play Facebook",
  "Hide Transcript Show Transcript", "Published on May 8, 2015", "By Ann Smith",
  "(Jane Roe/AP)", a caption line that ends with its photo credit;
- a sentence that opens with a run of widget words or a photo credit keeps what
  follows it ("Skip in Skip x Embed x Share CLOSE The agency said ..." -> "The agency
  said ..."), or goes whole when nothing that reads as a sentence follows;
- a credit in brackets inside a sentence goes ("... factory (Photo: Jane Roe)");
- a short sentence that is furniture goes ("Sign up here.", "Read more");
- a caption or a standfirst run into the next sentence without a full stop ("... in
  Dortmund on Wednesday He said: ...") is split off onto a line of its own
  (``captions.glue_points``), where the summariser passes over it as no sentence.

Every removal is returned with its reason, for ``benchmarks/cleaning.py --show``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from .captions import ends_as_sentence, glue_points
from .furniture import (
    MACHINE_PHRASES,
    MACHINERY,
    POSITION,
    STRONG_WORDS,
    inline_reason,
    is_prose,
    line_reason,
)
from .sentences import split_sentences

# A sentence that is furniture is short: longer ones are reporting that mentions a widget
# (unless two pieces of machinery are in it: "Newsletter Sign Up ... not a robot ...").
SHORT_SENTENCE_WORDS = 20
# What is left after a furniture opening must be a sentence of at least this many words
# (or, without a sentence end, a line of at least REST_LINE_WORDS: a highlight, a standfirst).
REST_MIN_WORDS = 5
REST_LINE_WORDS = 8
# A line ending with a photo credit is a caption when it has at most this many sentences.
CAPTION_SENTENCES = 2

_CREDIT_OPENING = re.compile(
    r"^(?:[A-Z][\w.'\-]*(?: [A-Z][\w.'\-]*){0,3}\s*/\s*)+"
    r"(?:AP|AFP|Getty(?: Images)?|Reuters|EPA|REX|Shutterstock|PA|Bloomberg|iStock)"
    r"(?:\s*/\s*[A-Z][\w.'\-]*(?: [A-Z][\w.'\-]*){0,2})*\s+(?=[A-Z\"'])"
)
_BRACKET_CREDIT = re.compile(
    r"\s*\((?:(?:photo|image|picture|credit)s?\b:?[^()]{0,60}"
    r"|[A-Z][\w.'\-]*(?: [A-Z][\w.'\-]*){0,3}\s*/\s*(?:AP|AFP|Getty|Reuters|EPA|REX)[^()]{0,30})\)",
    re.IGNORECASE,
)
_CAPTION_LINE = re.compile(
    r"\((?:[^()]{0,40}/)?(?:AP|AFP|Getty Images|Getty|Reuters|EPA|REX)(?: Photo)?[^()]{0,40}\)\W*$"
    r"|\b(?:AP|AFP|Reuters|EPA) Photo/[^()]{0,60}\)?\W*$"
)
# An agency photo caption: "FILE - In this Oct. 2, 2012 file photo, ...", "In this photo
# provided by ...".
_CAPTION_OPENING = re.compile(
    r"^(?:FILE\s*[-\u2013\u2014]+\s*)?In this\b.{0,120}?\b(?:photo|image|picture)\b", re.IGNORECASE
)
# A gallery's caption line: "Photos: The search for ... <caption>", "Photo: Jo Roe Image 1 of 3".
_GALLERY_LINE = re.compile(r"^(?:Photos?|Pictures?|Images?|Gallery|Slideshow)\s*:", re.IGNORECASE)
# A widget's label in capitals before the sentence: "CLOSE The agency said ...".
_CAPS_LABEL = re.compile(r"^([A-Z]{2,})\s+(?=[A-Z][a-z])")
# A close button is a multiplication sign or an "x" (Unicode escape: not a letter x).
_CROSSES = ("\u00d7", "x", "")
_PUNCT = "\u00d7.,:;|()"
_PIPE = re.compile(r"\s+\|\s+")
_TOKEN = re.compile(r"\S+")


@dataclass(frozen=True)
class Removed:
    reason: str
    text: str


def strip_furniture(text: str) -> tuple[str, list[Removed]]:
    """The text without furniture, and what was removed (in order, with why)."""
    removed: list[Removed] = []
    lines = []
    for line in text.split("\n"):
        kept = _clean_line(line, removed) if line.strip() else line
        if kept is not None:
            lines.append(kept)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip(), removed


def _clean_line(line: str, removed: list[Removed]) -> str | None:
    why = _whole_line_reason(line)
    if why:
        removed.append(Removed(why, line))
        return None
    # A page's parts run together with " | " (a caption, its credit, the next headline):
    # each is cleaned alone, and those left keep their separator.
    parts = []
    for part in _PIPE.split(line):
        pieces = [_clean_sentence(sentence, removed) for sentence in split_sentences(part)]
        if any(pieces):
            parts.append(" ".join(p for p in pieces if p))
    if not parts:
        return None
    unglued = _unglue(" | ".join(parts))
    removed.extend(
        Removed("split off: caption or standfirst", (split_sentences(p) or [p])[-1])
        for p in unglued[:-1]
    )
    final = [kept for piece in unglued if (kept := _clean_piece(piece, removed))]
    return "\n".join(final) if final else None


def _whole_line_reason(line: str) -> str | None:
    """Why the whole line goes (furniture and no prose, a gallery, a captioned credit)."""
    reason = line_reason(line)
    if reason and not is_prose(line):
        return f"line: {reason}"
    if _GALLERY_LINE.match(line):
        return "line: gallery"
    if _CAPTION_LINE.search(line) and len(split_sentences(line)) <= CAPTION_SENTENCES:
        return "line: caption with its credit"
    return None


def _clean_piece(piece: str, removed: list[Removed]) -> str | None:
    """A line split off at a glue point: furniture of its own ("... Hide Caption 1 of 43")
    goes, and so does a photo caption that says where people stand ("Jo Roe, left, ...")."""
    reason = line_reason(piece)
    if reason and not is_prose(piece):
        removed.append(Removed(f"line: {reason}", piece))
        return None
    sentences = split_sentences(piece)
    captions = [s for s in sentences if POSITION.search(s)]
    if not captions:
        return piece
    removed.extend(Removed("sentence: photo caption", c) for c in captions)
    return " ".join(s for s in sentences if not POSITION.search(s)) or None


def _clean_sentence(sentence: str, removed: list[Removed]) -> str | None:
    sentence = _drop_bracket_credits(sentence, removed)
    if sentence.startswith("-- "):  # what a scraper left of "(CNN) -- ..."
        removed.append(Removed("dateline dash", "--"))
        sentence = sentence[3:]
    label = _CAPS_LABEL.match(sentence)
    if label and label.group(1).lower() in MACHINERY:
        removed.append(Removed("widget label", label.group(1)))
        sentence = sentence[label.end() :]
    before, mark, after = sentence.partition("©")
    if mark and ends_as_sentence(before.strip()) and len(before.split()) >= REST_MIN_WORDS:
        removed.append(Removed("credit: copyright", mark + after))  # "... daughter. ©2015 X."
        sentence = before.strip()
    match = _CREDIT_OPENING.match(sentence)
    if match:
        removed.append(Removed("credit opening", match.group(0).strip()))
        sentence = sentence[match.end() :]
    caption = _CAPTION_OPENING.match(sentence)
    if caption:
        rest = _after_furniture(sentence, caption.end())
        if rest is None:
            removed.append(Removed("sentence: photo caption", sentence))
            return None
        removed.append(Removed("opening: photo caption", sentence[: len(sentence) - len(rest)]))
        sentence = rest
    reason = inline_reason(sentence)
    if reason is None or reason == "photo caption":
        return sentence  # a caption goes once what is glued to it is split off (_clean_line)
    rest = _after_furniture(sentence)
    if rest is not None and rest != sentence:
        removed.append(Removed(f"opening: {reason}", sentence[: len(sentence) - len(rest)].strip()))
        return rest if inline_reason(rest) is None else _drop(rest, reason, removed)
    return _drop(sentence, reason, removed)


def _drop(sentence: str, reason: str, removed: list[Removed]) -> str | None:
    """A short sentence that is furniture goes; a long one stays (reporting that names it)."""
    pieces = len(MACHINE_PHRASES.findall(sentence))
    if (
        len(sentence.split()) <= SHORT_SENTENCE_WORDS
        or not ends_as_sentence(sentence)
        or pieces >= 2
    ):
        removed.append(Removed(f"sentence: {reason}", sentence))
        return None
    return sentence


def _drop_bracket_credits(sentence: str, removed: list[Removed]) -> str:
    found = _BRACKET_CREDIT.findall(sentence)
    if not found:
        return sentence
    removed.extend(Removed("credit in brackets", f.strip()) for f in found)
    return _BRACKET_CREDIT.sub("", sentence).strip()


def _after_furniture(sentence: str, beyond: int = 0) -> str | None:
    """What follows the last widget run or machinery phrase of the sentence, when that
    reads as a sentence (or as a line long enough to be a highlight or a standfirst)."""
    tokens = list(_TOKEN.finditer(sentence))
    end = 0
    for i, token in enumerate(tokens):
        word = token.group().strip(_PUNCT).lower()
        strong = word in STRONG_WORDS or word in _CROSSES
        if (strong or word in MACHINERY) and _in_run(tokens, i):
            end = max(end, token.end())
    for match in MACHINE_PHRASES.finditer(sentence):
        end = max(end, match.end())
    if end <= beyond:
        return None
    rest = sentence[end:].lstrip(" :;,.|\u00d7-\u2013\u2014")
    words = rest.split()
    if not end or not rest[:1].isupper():
        return None
    if len(words) >= REST_LINE_WORDS or (len(words) >= REST_MIN_WORDS and ends_as_sentence(rest)):
        return rest
    return None


def _in_run(tokens: list[re.Match[str]], i: int) -> bool:
    """The token at ``i`` is next to another machinery token (a run of widget words)."""
    for j in (i - 1, i + 1):
        if 0 <= j < len(tokens):
            word = tokens[j].group().strip(_PUNCT).lower()
            if word in MACHINERY or word in _CROSSES:
                return True
    return False


def _unglue(line: str) -> list[str]:
    """The line split where a caption or a standfirst runs into the next sentence: each
    piece before a glue point becomes a line of its own."""
    out: list[str] = []
    current: list[str] = []
    for sentence in split_sentences(line):
        points = glue_points(sentence)
        if not points:
            current.append(sentence)
            continue
        tokens = sentence.split()
        bounds = [0, *points, len(tokens)]
        pieces = [" ".join(tokens[a:b]) for a, b in pairwise(bounds)]
        if current:
            out.append(" ".join(current))
        out.extend(pieces[:-1])
        current = [pieces[-1]]
    if current:
        out.append(" ".join(current))
    return out
