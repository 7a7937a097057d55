"""HTML pages saved from the web: the article's main text and metadata via trafilatura.

trafilatura finds the main text (dropping navigation, footers, comments) and reads
the metadata a page declares (OpenGraph, JSON-LD, <meta>, <link rel=canonical>):
title, site name as outlet, author, publication date and canonical URL. A value
the manifest gives wins over the page's own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from ..model import Article
from . import Note, ReadContext, ReaderError, register
from .metadata import MAX_YEAR, MIN_YEAR, article_fields

MIN_WORDS = 8

# Only the date the page declares in its metadata (no guessing from the text or the
# URL), with its time and offset when the page gives them. Explicit bounds: htmldate's
# default upper bound is today, which would make a page's date depend on the wall clock.
_DATE_PARAMS = {
    "extensive_search": False,
    "original_date": True,
    "outputformat": "%Y-%m-%dT%H:%M:%S%z",
    "min_date": f"{MIN_YEAR}-01-01",
    "max_date": f"{MAX_YEAR}-12-31",
}


def extract_page(content: str):
    """trafilatura's result for an HTML page, or None when it finds no main text."""
    import trafilatura

    return trafilatura.bare_extraction(
        content,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        date_extraction_params=_DATE_PARAMS,
    )


@register(".html", ".htm", ".xhtml")
def read_html(path: Path, content: str, ctx: ReadContext) -> Iterator[Article | Note]:
    if "<" not in content:
        raise ReaderError("no HTML markup; expected a web page")
    page = extract_page(content)
    text = (page.text or "").strip() if page is not None else ""
    words = len(text.split())
    if words < MIN_WORDS:
        # On a page without an article, the extractor falls back to whatever text is
        # left (a "Home" link); that is not news.
        raise ReaderError(
            f"no article text found in the page ({words} words; only navigation or markup?)"
        )
    title = page.title
    # trafilatura keeps the page's <h1> as the first line of the text; the title
    # field already has it, and the summariser should not pick it as a sentence.
    first, _, rest = text.partition("\n")
    if title and first.strip() == title.strip() and rest.strip():
        text = rest.strip()
    page_meta = {
        "title": title,
        "source": page.sitename,
        "author": page.author,
        "url": page.url if (page.url or "").startswith(("http://", "https://")) else None,
    }
    repairs: list[str] = []
    fields, extras = article_fields(
        {**{k: v for k, v in page_meta.items() if v}, "date": page.date}, "page metadata", repairs
    )
    manifest_fields, manifest_extras = article_fields(
        ctx.metadata, f"manifest entry for {path.name}", repairs
    )
    yield from (Note(message) for message in repairs)
    if not re.search(r"</(?:body|html)\s*>\s*$", content.strip()[-200:], re.IGNORECASE):
        yield Note("the page ends without </body> or </html> (cut off?); read the text it has")
    fields.update(manifest_fields)
    extras.update(manifest_extras)
    yield Article(
        id=ctx.article_id,
        text=text,
        origin=ctx.origin,
        extras=tuple(sorted(extras.items())),
        **fields,
    )
