"""Markup: article text as literal Markdown and HTML, and the small formats pages share.

Article text is data, never markup: every value from an article goes through
``md_escape`` (the templates' ``md`` filter), which escapes HTML and Markdown syntax
so that a ``<script>``, a ``[link](javascript:...)`` or a ``{{ jinja }}`` in an
article reaches the page as literal text.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from datetime import datetime, time
from zoneinfo import ZoneInfo

import yaml

from ..model import Article

# Characters Python-Markdown lets a backslash escape get one; '<', '>' and '&' become
# entities. One pattern and a lookup (str.translate with this table was four times slower).
_MD_REPLACEMENT = {
    **{c: "\\" + c for c in "\\`*_{}[]()#+!|"},
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
}
_MD_SPECIAL = re.compile(f"[{re.escape(''.join(_MD_REPLACEMENT))}]")
# At the start of a line these begin a list item, a setext heading or a definition:
# '-' and '.' take a backslash, the rest are not backslash-escapable in
# Python-Markdown, so they become character references (shown as the character).
_LINE_START = {"-": "\\-", ".": "\\.", "=": "&#61;", ":": "&#58;", "~": "&#126;"}
_ORDERED_ITEM = re.compile(r"^(\d+)\.")


def md_escape(value: object) -> str:
    """Text from an article as literal Markdown inline text, on one line."""
    text = _MD_SPECIAL.sub(lambda m: _MD_REPLACEMENT[m.group()], " ".join(str(value).split()))
    if text[:1].isdigit():
        text = _ORDERED_ITEM.sub(r"\1\\.", text)  # "2025. The year" is not list item 2025
    elif text[:1] in _LINE_START:
        text = _LINE_START[text[0]] + text[1:]
    return text


def safe_url(value: str | None) -> str | None:
    """Only http(s) URLs become links; anything else (javascript:, data:) is dropped."""
    if value and re.fullmatch(
        r"https?://[^\s<>\"')]+", value
    ):  # fullmatch: "$" would allow a final "\n"
        return value.replace("(", "%28").replace(")", "%29")
    return None


def excerpt(text: str, limit: int) -> str:
    """At most ``limit`` characters of a sentence, cut at a word with an ellipsis: the site
    quotes bounded excerpts and links the article, it never republishes it."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(",;:- ") + "…"


def html_text(text: str) -> str:
    """Plain text for an HTML attribute (MkDocs prints front matter values unescaped)."""
    return html.escape(" ".join(text.split()), quote=True)


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else (many or word + 's')}"


def when(moment: datetime | None, zone: ZoneInfo) -> str:
    """A <time> element: the day, and the hour where the input gave one."""
    if moment is None:
        return ""
    local = moment.astimezone(zone)
    given_time = moment.timetz().replace(tzinfo=None) != time(0, 0)
    shown = local.strftime("%Y-%m-%d %H:%M %Z") if given_time else local.strftime("%Y-%m-%d")
    return f'<time datetime="{moment.isoformat()}">{shown}</time>'


class _NoAliases(yaml.SafeDumper):
    """Front matter written out in full: a value given twice is not an ``&id001`` / ``*id001``
    pair (which newsdigest's own loader refuses, see ``safe_yaml``)."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def front_matter(**values: object) -> str:
    values = {k: v for k, v in values.items() if v}
    if not values:
        return ""
    return (
        "---\n"
        + yaml.dump(values, Dumper=_NoAliases, sort_keys=False, allow_unicode=True, width=1000)
        + "---\n\n"
    )


def coverage_phrase(articles: list[Article]) -> str:
    """How many articles from whom, without counting an unknown outlet as a known one:
    "3 articles from 2 outlets", "2 articles: 1 from Al Jazeera, 1 from an unknown outlet"."""
    counts = Counter(a.source for a in articles if a.source)
    unknown = sum(1 for a in articles if not a.source)
    total = plural(len(articles), "article")
    if not unknown:
        if len(counts) == 1:
            return f"{total} from {md_escape(next(iter(counts)))}"
        return f"{total} from {plural(len(counts), 'outlet')}"
    if not counts:
        return f"{total}, outlet unknown"
    known = (
        f"{sum(counts.values())} from {md_escape(next(iter(counts)))}"
        if len(counts) == 1
        else f"{sum(counts.values())} from {plural(len(counts), 'outlet')}"
    )
    others = "an unknown outlet" if unknown == 1 else "unknown outlets"
    return f"{total}: {known}, {unknown} from {others}"
