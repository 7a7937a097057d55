"""Pages that are not articles: what a scraper saved in place of one.

A web-archive crawl notice, a sign-in or robot wall, a gallery or a video page with
captions and no prose never becomes a story: the build skips it with the reason, and
its summary counts it with the other skips. Judged on the cleaned sentences, by what
such a page is made of, not by its wording alone:

- *crawl notice*: most of its sentences speak of crawls, seeds, the Wayback Machine;
- *wall*: a short page (at most ``WALL_SENTENCES`` sentences, ``WALL_WORDS`` words)
  of which a third or more of the sentences ask the reader to sign in, subscribe, pay
  or prove they are human;
- *no prose*: not one sentence that reads as prose (a sentence end,
  enough words, jusText's share of stop words): captions, headings and player text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .captions import ends_as_sentence
from .furniture import MACHINE_PHRASES, stopword_share

_CRAWL = re.compile(
    r"\b(?:crawl(?:s|ed|er|ing)?|wayback machine|internet archive|archive-it|alexa internet"
    r"|seed list|the seed for|heritrix)\b",
    re.IGNORECASE,
)
_WALL = re.compile(
    r"\b(?:sign(?:ing)? (?:in|up|using)|log(?:ging)? in|subscri(?:be|ption|ber)s?|account"
    r"|regist(?:er|ering|ration)|password|activate|terms of (?:use|service)|free trial"
    r"|cancel (?:anytime|at any time)|card (?:will be )?charged|membership|not a robot"
    r"|are you a human|enable (?:javascript|cookies)|paywall|licensing|copyright protected)\b",
    re.IGNORECASE,
)
# How the build's message about such a page begins (report.py counts them).
NOT_AN_ARTICLE = "not an article: "

# Prose: a sentence of at least PROSE_WORDS words, ending as one, and this share of stop words.
PROSE_WORDS = 5
PROSE_STOPWORDS = 0.15
UNENDED_PROSE_WORDS = 15
ANY_LANGUAGE_WORDS = 8
MIN_PROSE = 1
# A wall is short: at most this many sentences.
WALL_SENTENCES = 12
WALL_WORDS = 120


def is_prose(sentence: str) -> bool:
    """A sentence of text: enough words and stop words, and a sentence end (or, without
    one, the length of a sentence that lost its full stop, not of a heading)."""
    words = len(sentence.split())
    if words < PROSE_WORDS or MACHINE_PHRASES.search(sentence):
        return False
    if ends_as_sentence(sentence) and words >= ANY_LANGUAGE_WORDS:
        return True  # the stop words are English ones: a long sentence is prose in any language
    ended = ends_as_sentence(sentence) or words >= UNENDED_PROSE_WORDS
    return ended and stopword_share(sentence) >= PROSE_STOPWORDS


def non_article_reason(sentences: Sequence[str]) -> str | None:
    """Why the page whose cleaned sentences these are is no article, or None."""
    if not sentences:
        return None
    crawl = sum(1 for s in sentences if _CRAWL.search(s))
    if crawl >= 2 and crawl * 3 >= len(sentences):
        return "a web-archive crawl notice"
    wall = sum(1 for s in sentences if _WALL.search(s))
    short = sum(len(s.split()) for s in sentences) <= WALL_WORDS
    if short and len(sentences) <= WALL_SENTENCES and wall and wall * 3 >= len(sentences):
        return "a sign-in or robot wall"
    if sum(1 for s in sentences if is_prose(s)) < MIN_PROSE:
        return "no prose (a gallery, a video or a list of links)"
    return None
