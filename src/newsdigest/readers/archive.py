"""The feed archive ``newsdigest fetch`` keeps (``archive.sqlite``): one article per entry.

Every entry the archive holds, whether or not its feed still carries it, in a stable
order (feed, first seen, key). The text is the article found on the entry's linked
page when ``fetch --full-text`` got it and it says more than the feed, else the feed's
own content or description (the teaser). The date is the entry's own; an entry
without one gets the time the archive first saw it, and the article says so
(``extras``: ``date_from: first-seen``, which the story page shows). Ids are the ones
the feed reader gave the same entries in a saved feed file, so they stay put when a
folder of feed files becomes an archive.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from ..feed_archive import ArchivedEntry, ArchiveError, read_entries
from ..model import Article
from . import Note, ReadContext, ReaderError, register
from .feed import html_to_text
from .metadata import article_fields, parse_date

DATE_FROM_FIRST_SEEN = ("date_from", "first-seen")


@register(".sqlite", opens_itself=True)
def read_archive(path: Path, content: str, ctx: ReadContext) -> Iterator[Article | Note]:
    try:
        entries = read_entries(path)
    except ArchiveError as error:
        raise ReaderError(str(error).removeprefix(f"{path}: ")) from None
    if not entries:
        yield Note("the feed archive holds no entries yet", action="warning")
    # Ids relative to the input folder, as for any file: a sub-folder's archive keeps its own.
    folder = PurePosixPath(ctx.article_id).parent
    prefix = "" if str(folder) == "." else f"{folder}/"
    for entry in entries:
        yield from _article(entry, prefix, ctx)


@register(".sqlite-journal", opens_itself=True)
def read_journal(path: Path, content: str, ctx: ReadContext) -> Iterator[Article | Note]:
    """SQLite's journal beside the archive: there while a fetch writes, and after a killed
    one until the next write. Nothing to read or report: opening the archive rolls back
    what it holds of an unfinished write, so the archive reads as of its last commit."""
    yield from ()


def _article(entry: ArchivedEntry, prefix: str, ctx: ReadContext) -> Iterator[Article | Note]:
    article_id = prefix + entry.article_id
    where = f":{entry.article_id}"
    teaser = html_to_text(entry.content)
    page = (entry.page_text or "").strip()
    text = page if len(page) > len(teaser) else teaser
    if not text:
        yield Note("archived entry has neither content nor description", "skipped", where)
        return
    meta = {
        "source": html_to_text(entry.feed_title or "") or None,
        "language": entry.language,
        **ctx.metadata,
        "title": html_to_text(entry.title or "") or None,
        "author": entry.author,
        "url": entry.link,
    }
    repairs: list[str] = []
    fields, extras = article_fields(meta, "entry", repairs)
    yield from (Note(message, where=where) for message in repairs)
    try:
        fields["date"] = parse_date(entry.published)
    except ReaderError as error:
        yield Note(f"{error}; ignored", where=where)
        fields["date"] = None
    if fields["date"] is None:
        fields["date"] = parse_date(entry.first_seen)
        extras[DATE_FROM_FIRST_SEEN[0]] = DATE_FROM_FIRST_SEEN[1]
    yield Article(
        id=article_id,
        text=text,
        origin=f"{ctx.origin}{where}",
        extras=tuple(sorted(extras.items())),
        **fields,
    )
