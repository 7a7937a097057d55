"""Photo captions and page furniture inside the splitter's sentences, for the ranker.

Some publishers (the Daily Mail above all) print photo captions inline with the
text and without a full stop, so the sentence splitter glues each caption onto
the sentence that follows it ("... outside the town hall in Marlow on Tuesday
He said: ..."), and leaves furniture such as "Scroll down for video" in front of
a sentence or on its own. Neither is summary material: a caption
restates a picture, not the news, and a glued sentence is two texts in one.

This module only *detects* them, sentence by sentence, so a ranker can pass
them over; it never rewrites a sentence (a summary quotes the article's own
sentences). Splitting the caption off belongs in cleaning, where a later change
may move this. The rules describe what a caption looks like in running text,
not any publisher's wording:

- a *glue point*: a word that can end a caption is followed, with no
  punctuation, by a capitalised word that can only open a sentence ("... in
  Marlow on Tuesday He said"), or by a caption label ("... by boat Stranded: The
  family ...");
- a *label opening*: a short lower-case phrase and a colon before a capitalised
  word ("Stranded: A family waits ...", "All hands on deck: Volunteers ...");
- *no sentence end*: a line that does not end with . ! or ? (a caption, a
  heading, "Scroll down for video", a list item).
"""

from __future__ import annotations

import re

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

# Words that open English sentences and are written in lower case inside one, so a
# capitalised one in mid-sentence after an unpunctuated word starts a new sentence.
# "I" is left out (it is capitalised everywhere), as are number words ("League One",
# "world No 1"). Checked on the development halves: in the BBC texts (clean prose,
# no inline captions) 0.8% of sentences are flagged by any rule here, mostly
# headings and list lines without a full stop, a few titles of works; in the
# CNN/DailyMail rows 8.3%, nearly all Daily Mail captions and furniture.
SENTENCE_STARTERS = frozenset(
    [
        "the",
        "a",
        "an",
        "he",
        "she",
        "it",
        "they",
        "we",
        "you",
        "his",
        "her",
        "its",
        "their",
        "our",
        "this",
        "that",
        "these",
        "those",
        "there",
        "in",
        "on",
        "at",
        "as",
        "after",
        "before",
        "but",
        "and",
        "when",
        "while",
        "if",
        "since",
        "during",
        "despite",
        "although",
        "though",
        "now",
        "then",
        "however",
        "meanwhile",
        "both",
        "yet",
        "so",
        "also",
        "according",
        "for",
        "with",
        "by",
        "from",
    ]
)
# A starter is a glue point only when the word after it is not capitalised too: in a
# run of capitalised words it is part of a title or a name ("Lost In Translation",
# "told The Marlow Gazette"), while "... Ann Price The bridge" starts a sentence.
# A label never begins with a pronoun ("He said: That ..." introduces speech).
PRONOUN_LABELS = frozenset(["he", "she", "it", "they", "we", "i", "you"])
# A caption label is at most this many words before its colon ("All hands on deck:").
LABEL_WORDS = 4

_CLOSERS = "'\")]"
_OPENERS = "'\"(["
_NO_END = re.compile(r"[.,;:!?\-\u2013\u2014\u2026]$")
_SENTENCE_END = re.compile(r"[.!?][\"')\]]*$")


def _ends_clause(token: str) -> bool:
    """True when the token ends with punctuation (closing quotes and brackets aside)."""
    bare = token.rstrip(_CLOSERS)
    return not bare or bool(_NO_END.search(bare))


def _capitalised(token: str) -> bool:
    """ "He", "Stranded", "A": a capital then lower case (not "BBC", not "'Quoted")."""
    return token[:1].isupper() and (len(token) == 1 or token[1:2].islower())


def _label_at(tokens: list[str], start: int) -> bool:
    """Does a caption label ("Packed out: Crowds ...") begin at ``tokens[start]``?

    A capitalised word, then lower-case words, the last ending with a colon, at most
    LABEL_WORDS in all, followed by a capitalised word. A title with a colon has
    capitalised words inside ("The Wind in the Willows: Toad Hall ..."); a speech
    introduction begins with a pronoun ("He said: That ...").
    """
    if not _capitalised(tokens[start]) or tokens[start].lower() in PRONOUN_LABELS:
        return False
    for end in range(start, min(start + LABEL_WORDS, len(tokens) - 1)):
        word = tokens[end]
        if end > start and not word[:1].islower():
            return False
        if word.endswith(":"):
            return len(word) > 1 and _capitalised(tokens[end + 1])
        if _ends_clause(word):
            return False
    return False


def glue_points(sentence: str) -> list[int]:
    """Word positions where another sentence begins without a full stop before it."""
    tokens = sentence.split()
    points = []
    for j in range(1, len(tokens)):
        before, word = tokens[j - 1], tokens[j]
        # A caption ends on a content word ("Tuesday", "river", "2019"), never on
        # punctuation (that is a sentence's own structure) or a function word ("by The").
        if _ends_clause(before) or before.lower().strip(_OPENERS + _CLOSERS) in ENGLISH_STOP_WORDS:
            continue
        if not _capitalised(word):
            continue
        following = tokens[j + 1].lstrip(_OPENERS) if j + 1 < len(tokens) else ""
        starts = (
            word.lower() in SENTENCE_STARTERS and bool(following) and not following[:1].isupper()
        )
        # A label after a capitalised word is more often the end of a name and a colon
        # ("... thanked the Town Hall: The grant ...").
        if starts or (not _capitalised(before.lstrip(_OPENERS)) and _label_at(tokens, j)):
            points.append(j)
    return points


def opens_with_label(sentence: str) -> bool:
    """ "Stranded: A family waits ...": a caption (or a list line such as "Subs: ...")."""
    tokens = sentence.split()
    return len(tokens) > 1 and _label_at(tokens, 0)


def ends_as_sentence(sentence: str) -> bool:
    """Ends with . ! or ? (closing quotes and brackets aside)."""
    return bool(_SENTENCE_END.search(sentence.rstrip()))


def is_caption_or_furniture(sentence: str) -> bool:
    """The splitter's sentence holds a caption or furniture, alone or glued to a sentence."""
    return (
        not ends_as_sentence(sentence) or opens_with_label(sentence) or bool(glue_points(sentence))
    )
