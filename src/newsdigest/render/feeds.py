"""Feeds out: Atom and RSS (feedgen) for the whole digest and for each topic, and a
JSON Feed 1.1 for the whole digest, written into the docs folder so MkDocs copies
them into the site as they are.

Every date is taken from the articles: a story's entry is published when its first
article was and updated when its newest was. An undated story gets the digest's
date (the newest article's, or SOURCE_DATE_EPOCH), and with no date anywhere the
Unix epoch: stable across builds, never the wall clock.

Without ``site_url`` in mkdocs.yml, links are relative to the feed (readers resolve
them against the feed's own address, so a site served from a sub-path still works)
and entry ids are ``urn:newsdigest:`` names; with it, both are absolute URLs.

The feeds sit at the site root, beside sitemap.xml: Material's script fetches
``sitemap.xml`` next to every ``<link rel="alternate">`` in the head, so a feed in a
sub-folder would cost every page view a request that fails.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from feedgen.feed import FeedGenerator

from .. import __version__
from .layout import story_page, topic_page
from .markup import excerpt

if TYPE_CHECKING:
    from ..model import Story
    from .layout import Site
    from .mkdocs import SiteInfo

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class FeedWriter:
    def __init__(self, site: Site, info: SiteInfo):
        self.site = site
        self.info = info
        self.fallback = site.date or EPOCH

    def href(self, path: str) -> str:
        """A link from a feed (at the site root) to ``path`` (relative to the site root)."""
        return self.info.url + path if self.info.url else (path or "./")

    def story_id(self, story: Story) -> str:
        return (
            self.href(self.story_path(story))
            if self.info.url
            else f"urn:newsdigest:story:{story.slug}"
        )

    def story_path(self, story: Story) -> str:
        return self.info.page_path(story_page(story.slug))

    def dates(self, story: Story) -> tuple[datetime, datetime]:
        dated = [a.date for a in self.site.digest.story_articles(story) if a.date]
        if not dated:
            return self.fallback, self.fallback
        return min(dated), max(dated)

    def summary(self, story: Story) -> str:
        return " ".join(
            excerpt(s.text, self.site.settings.excerpt_chars) for s in story.summary.sentences
        )

    def entries(self, stories: Sequence[Story]) -> list[Story]:
        """Newest first, at most ``feed_items``; the slug breaks ties so the order is total."""
        ranked = sorted(stories, key=lambda s: (-self.dates(s)[1].timestamp(), s.slug))
        return ranked[: self.site.settings.feed_items]

    def generator(
        self, stories: list[Story], name: str, title: str, description: str, page: str
    ) -> FeedGenerator:
        feed = FeedGenerator()
        feed.id(self.href(f"{name}.atom.xml") if self.info.url else f"urn:newsdigest:feed:{name}")
        feed.title(title)
        feed.description(description or title)
        feed.link(href=self.href(self.info.page_path(page)), rel="alternate")
        feed.language(self.info.language)
        feed.author(name=self.info.name)
        feed.generator("newsdigest", version=__version__)
        # feedgen stamps both with the wall clock unless told otherwise.
        updated = max((self.dates(s)[1] for s in stories), default=self.fallback)
        feed.updated(updated)
        feed.lastBuildDate(updated)
        topics = {t.slug: t for t in self.site.digest.topics}
        for story in stories:
            published, newest = self.dates(story)
            entry = feed.add_entry(order="append")
            entry.id(self.story_id(story))
            entry.title(story.title)
            entry.link(href=self.href(self.story_path(story)))
            entry.summary(self.summary(story) or story.title)
            entry.published(published)
            entry.updated(newest)
            entry.guid(self.story_id(story), permalink=bool(self.info.url))
            for outlet in sorted(
                {a.source for a in self.site.digest.story_articles(story) if a.source}
            ):
                entry.author(name=outlet)
            for slug in story.topics:
                if slug in topics:
                    entry.category(term=slug, label=topics[slug].name)
        return feed

    def write(
        self,
        folder: Path,
        stories: Sequence[Story],
        name: str,
        title: str,
        description: str,
        page: str,
    ) -> list[Path]:
        entries = self.entries(stories)
        feed = self.generator(entries, name, title, description, page)
        atom, rss = folder / f"{name}.atom.xml", folder / f"{name}.rss.xml"
        atom.write_bytes(with_entry_languages(feed.atom_str(pretty=True), self.languages(entries)))
        rss.write_bytes(feed.rss_str(pretty=True))
        return [atom, rss]

    def write_moved(self, folder: Path, old: str, page: str, name: str) -> list[Path]:
        """The feeds of an automatic topic that disappeared or merged, kept at their URLs
        with one entry saying where its stories went (``page``, named ``name``)."""
        title = f"{self.info.name}: {old} (moved to {name})"
        feed = self.generator([], f"feed-{old}", title, name, page)
        entry = feed.add_entry(order="append")
        link = self.href(self.info.page_path(page))
        entry_id = link if self.info.url else f"urn:newsdigest:topic-moved:{old}"
        entry.id(entry_id)
        entry.guid(entry_id, permalink=bool(self.info.url))
        entry.title(f"This topic has moved: its stories are now under {name}")
        entry.link(href=link)
        entry.summary(f"Follow {name} for these stories: {link}")
        entry.published(self.fallback)
        entry.updated(self.fallback)
        atom, rss = folder / f"feed-{old}.atom.xml", folder / f"feed-{old}.rss.xml"
        atom.write_bytes(feed.atom_str(pretty=True))
        rss.write_bytes(feed.rss_str(pretty=True))
        return [atom, rss]

    def languages(self, stories: Sequence[Story]) -> list[str | None]:
        """Each story's language, where its articles agree (``Highlights.language``)."""
        highlights = self.site.digest.highlights
        return [highlights[s.slug].language if s.slug in highlights else None for s in stories]

    def json_feed(self, folder: Path, stories: Sequence[Story]) -> Path:
        """JSON Feed 1.1 (https://jsonfeed.org/version/1.1): a plain document, no library needed."""
        items = []
        topics = {t.slug: t for t in self.site.digest.topics}
        entries = self.entries(stories)
        for story, language in zip(entries, self.languages(entries)):
            published, newest = self.dates(story)
            items.append(
                {
                    "id": self.story_id(story),
                    "url": self.href(self.story_path(story)),
                    "title": story.title,
                    "content_text": self.summary(story) or story.title,
                    "date_published": published.isoformat(),
                    "date_modified": newest.isoformat(),
                    "authors": [
                        {"name": name}
                        for name in sorted(
                            {a.source for a in self.site.digest.story_articles(story) if a.source}
                        )
                    ],
                    "tags": [topics[slug].name for slug in story.topics if slug in topics],
                    **({"language": language} if language else {}),
                }
            )
        document = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": self.info.name,
            "home_page_url": self.href(""),
            "feed_url": self.href("feed.json"),
            "description": self.info.description,
            "language": self.info.language,
            "items": items,
        }
        path = folder / "feed.json"
        path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return path


def with_entry_languages(atom: bytes, languages: Sequence[str | None]) -> bytes:
    """The Atom feed with ``xml:lang`` on each entry whose story's language is known (feedgen
    sets it on the feed only); the bytes unchanged when none is."""
    if not any(languages):
        return atom
    from lxml import etree

    root = etree.fromstring(atom, etree.XMLParser(remove_blank_text=True))
    entries = root.findall("{http://www.w3.org/2005/Atom}entry")
    for entry, language in zip(entries, languages):
        if language:
            entry.set("{http://www.w3.org/XML/1998/namespace}lang", language)
    return etree.tostring(root, pretty_print=True, encoding="UTF-8", xml_declaration=True)


def write_feeds(site: Site, info: SiteInfo, docs: Path) -> list[Path]:
    """Write feed.{atom.xml,rss.xml,json} and feed-<topic slug>.{atom,rss}.xml into ``docs``."""
    writer = FeedWriter(site, info)
    folder = docs
    written = writer.write(folder, site.stories, "feed", info.name, info.description, "index.md")
    written.append(writer.json_feed(folder, site.stories))
    by_slug = {s.slug: s for s in site.stories}
    for topic in site.topics:
        written += writer.write(
            folder,
            [by_slug[s] for s in site.topic_stories[topic.slug]],
            f"feed-{topic.slug}",
            f"{info.name}: {topic.name}",
            topic.description or topic.name,
            topic_page(topic.slug),
        )
    for old, (page, name) in sorted(site.topic_moves().items()):
        written += writer.write_moved(folder, old, page, name)
    return written
