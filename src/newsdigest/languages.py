"""Languages: which language a story is in, and the stop words of a language.

An article's language is what its input says (a feed's ``<language>``, front matter)
or what ``clean.guess_language`` finds; a story has one when its articles agree. Stop
words come from the stopwords-iso collection (the ``stopwordsiso`` package: curated
lists for 58 languages, by ISO 639-1 code), so key terms of a French story are not
"La · du · le".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from .model import Article

# A language tag as BCP 47 writes it ("en", "en-GB", "zh-Hant"); anything else is ignored.
_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")


def primary(language: str | None) -> str | None:
    """The language subtag of a tag: "en-GB" -> "en"."""
    return language.split("-")[0].lower() if language else None


def story_language(articles: Iterable[Article]) -> str | None:
    """The language of a story when its articles that name one agree: the full tag if they
    all give the same ("en-gb"), else the shared language ("en"); None otherwise."""
    tags = {a.language.lower() for a in articles if a.language and _TAG.fullmatch(a.language)}
    if not tags:
        return None
    if len(tags) == 1:
        return next(iter(tags))
    languages = {primary(t) for t in tags}
    return languages.pop() if len(languages) == 1 else None


@cache
def stop_words(language: str | None) -> frozenset[str]:
    """The stop words of a language (lower case), or an empty set when none is known."""
    import stopwordsiso

    code = primary(language) or ""
    if not stopwordsiso.has_lang(code):
        return frozenset()
    return frozenset(word.lower() for word in stopwordsiso.stopwords(code))
