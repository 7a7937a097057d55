"""RSS 2.0 and Atom feed files, read with feedparser: one article per entry.

The entry's full content when the feed carries it (``content:encoded``, Atom
``<content>``), else its description/summary; the entry's link, date and author;
the feed's own title as the outlet. feedparser already strips scripts and event
handlers from entry HTML; what is left is turned into plain text here.
"""

from __future__ import annotations

import calendar
import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin

from ..model import Article
from . import Note, ReadContext, ReaderError, register
from .metadata import article_fields, parse_date

# Elements after which a line break belongs in the plain text.
_BLOCKS = {
    "p",
    "div",
    "br",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "tr",
    "section",
    "article",
    "figcaption",
    "dd",
    "dt",
    "hr",
}


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment, one line per block element."""
    if "<" not in fragment and "&" not in fragment:
        return fragment.strip()
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return ""
    for element in list(
        root.iter("script", "style", "noscript")
    ):  # a list: dropping while iterating skips
        element.drop_tree()
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCKS:
            element.tail = "\n" + (element.tail or "")
    return root.text_content().strip()


def _entry_date(entry) -> datetime | None:
    for key in ("published", "updated", "created"):
        # The date as written keeps the publisher's UTC offset; feedparser's parsed
        # form (UTC) covers the odd formats our parser does not know.
        try:
            parsed = parse_date(entry.get(key))
        except ReaderError:
            parsed = None
        if parsed is not None:
            return parsed
        value = entry.get(f"{key}_parsed")
        if value:
            try:
                return parse_date(datetime.fromtimestamp(calendar.timegm(value), tz=UTC))
            except (ReaderError, OverflowError, ValueError, OSError):
                return None
    return None


def _entry_text(entry) -> str:
    contents = [c.get("value", "") for c in entry.get("content", []) if c.get("value")]
    if contents:
        return html_to_text(max(contents, key=len))
    return html_to_text(entry.get("summary", "") or entry.get("description", ""))


@register(".rss", ".atom", ".xml")
def read_feed(path: Path, content: str, ctx: ReadContext) -> Iterator[Article | Note]:
    import feedparser

    parsed = feedparser.parse(content, sanitize_html=True, resolve_relative_uris=False)
    if parsed.get("bozo") and not parsed.entries:
        reason = parsed.get("bozo_exception")
        raise ReaderError(
            f"not an RSS or Atom feed ({str(reason).splitlines()[0] if reason else 'not XML'})"
        )
    if not parsed.get("version") and not parsed.entries:
        raise ReaderError("not an RSS or Atom feed (no <rss>, <feed> or <rdf:RDF> root element)")
    feed_title = html_to_text(parsed.feed.get("title", "")) or None
    language = parsed.feed.get("language") or None
    base_meta = {"source": feed_title, "language": language, **ctx.metadata}
    site = (
        parsed.feed.get("link")
        if str(parsed.feed.get("link", "")).startswith(("http://", "https://"))
        else None
    )
    if not parsed.entries:
        yield Note("the feed has no entries", action="warning")
    if parsed.get("bozo"):
        reason = (
            str(parsed.get("bozo_exception", "")).splitlines()[0]
            if parsed.get("bozo_exception")
            else ""
        )
        yield Note(
            f"the feed is not well-formed XML ({reason}); read the entries a lenient parser found"
        )
    for number, entry in enumerate(parsed.entries, start=1):
        yield from _read_entry(entry, number, base_meta, site, ctx)


def _read_entry(
    entry, number: int, base_meta: dict, site: str | None, ctx: ReadContext
) -> Iterator[Article | Note]:
    """One feed entry as an article (or a note saying why it is skipped)."""
    where = f":entry {number}"
    text = _entry_text(entry)
    if not text:
        yield Note("feed entry has neither content nor description", action="skipped", where=where)
        return
    # A relative entry link ("/news/1") is relative to the feed's own site.
    link = entry.get("link") or None
    if link and site:
        link = urljoin(site, link)
    meta = dict(base_meta)
    meta.update(
        {
            "title": html_to_text(entry.get("title", "")) or None,
            "author": entry.get("author") or None,
        }
    )
    if link and link.startswith(("http://", "https://")):
        meta["url"] = link
    repairs: list[str] = []
    fields, extras = article_fields(meta, "entry", repairs)
    yield from (Note(message, where=where) for message in repairs)
    fields["date"] = _entry_date(entry)
    # An entry's own id (Atom <id>, RSS <guid>) keeps it the same article across fetches.
    entry_key = entry.get("id") or link or str(number)
    yield Article(
        id=f"{ctx.article_id}/{_short_hash(entry_key)}",
        text=text,
        origin=f"{ctx.origin}{where}",
        extras=tuple(sorted(extras.items())),
        **fields,
    )


def _short_hash(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:12]
