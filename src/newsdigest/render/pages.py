"""Pages: every Markdown page of the site, from the Jinja2 templates in ``site_templates/``.

The templates only format: what a page shows was decided before (``Digest``, its
highlights, and ``layout.Site`` for which stories each page lists). Values from
articles go through the ``md`` filter (``markup.md_escape``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..captions import ends_as_sentence
from ..executor import Executor
from ..model import Article, Digest, SentenceRef, Story
from ..quotes import Quote
from ..settings import Settings
from .layout import Site, day_page, outlet_names, outlet_page, story_page, topic_page
from .markup import (
    coverage_phrase,
    excerpt,
    front_matter,
    html_text,
    md_escape,
    plural,
    safe_url,
    when,
)

# Story pages per task when they are rendered on several processes.
STORY_PAGES_PER_TASK = 100


class QuoteBudget:
    """How much of each article one page may quote: at most ``share`` of its sentences
    (rounded up, at least one). A sentence already on the page costs nothing again;
    blocks are filled in page order, so the summary wins over the coverage excerpt."""

    def __init__(self, digest: Digest, share: float, limit: int = 10**9):
        self.digest = digest
        self.share = share
        self.limit = limit  # excerpt_chars: the record holds each text as the page shows it
        self.shown: dict[str, set[int]] = {}
        # What each section of the page shows, for the page record (audit.py reads it).
        self.record: dict[str, list[dict[str, object]]] = {}

    def take(self, refs: Iterable[SentenceRef], section: str = "") -> list[SentenceRef]:
        taken = [ref for ref in refs if self._fits(ref.article_id, (ref.index,))]
        if section:
            self.record.setdefault(section, []).extend(
                _shown(r.article_id, r.text, self.limit, index=r.index) for r in taken
            )
        return taken

    def take_quotes(self, quotes: Iterable[Quote]) -> list[Quote]:
        """The quotes that fit, each costing the sentences it is quoted from."""
        taken = [quote for quote in quotes if self._fits(quote.article_id, quote.indices)]
        self.record.setdefault("quotes", []).extend(
            _shown(q.article_id, q.text, self.limit, speaker=q.speaker) for q in taken
        )
        return taken

    def _fits(self, article_id: str, indices: tuple[int, ...]) -> bool:
        shown = self.shown.setdefault(article_id, set())
        total = len(self.digest.documents[article_id].sentences)
        new = set(indices) - shown
        if len(shown) + len(new) > max(1, math.ceil(total * self.share)) and new:
            return False
        shown.update(new)
        return True


def _shown(article: str, text: str, limit: int, **more: object) -> dict[str, object]:
    """A sentence as the page shows it (cut at ``limit``) and whether the whole one ends
    as a sentence does (a cut can hide a sentence that runs on into the next)."""
    shown = excerpt(text, limit)
    item: dict[str, object] = {"article": article, **more, "text": shown}
    if shown != " ".join(text.split()):
        item["cut"] = True
        item["ends"] = ends_as_sentence(text)
    return item


def make_environment(templates: Path, settings: Settings) -> Environment:
    zone = ZoneInfo(settings.timezone)
    env = Environment(
        loader=FileSystemLoader(str(templates)),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )  # Markdown, not HTML: escaping is the md filter's job
    env.filters["md"] = md_escape
    env.filters["url"] = safe_url
    env.filters["day"] = lambda d: d.astimezone(zone).strftime("%Y-%m-%d") if d else ""
    env.filters["excerpt"] = lambda text: excerpt(text, settings.excerpt_chars)
    env.filters["plural"] = plural
    env.filters["when"] = lambda d: when(d, zone)
    env.globals.update(
        story_page=story_page, topic_page=topic_page, outlet_page=outlet_page, day_page=day_page
    )
    return env


@dataclass
class Pages:
    """What rendering a page needs: the site, the templates and what every page shares."""

    site: Site
    env: Environment

    def __post_init__(self) -> None:
        digest, settings = self.site.digest, self.site.settings
        self.topics = {t.slug: t for t in digest.topics}
        self.context = {
            "digest": digest,
            "site": self.site,
            "topics": self.topics,
            "date": self.site.date,
            "settings": settings,
            "outlets": lambda s: outlet_names(digest.story_articles(s)),
            "coverage": lambda s: coverage_phrase(digest.story_articles(s)),
            "newest": self.site.newest,
            "front_matter": front_matter,
            "html_text": html_text,
            "budget": self._budget,
        }
        self.budgets: list[QuoteBudget] = []

    def _budget(self) -> QuoteBudget:
        budget = QuoteBudget(
            self.site.digest,
            self.site.settings.max_article_share,
            self.site.settings.excerpt_chars,
        )
        self.budgets.append(budget)
        return budget

    def render(self, template: str, **values: object) -> str:
        return self.env.get_template(template).render(**values, **self.context)

    def story(self, story: Story) -> tuple[str, str]:
        path, text, _ = self.story_with_record(story)
        return path, text

    def story_with_record(self, story: Story) -> tuple[str, str, dict[str, object]]:
        """The story page, and the record of what it shows (see ``page_record``)."""
        digest = self.site.digest
        articles = digest.story_articles(story)
        highlights = digest.highlights[story.slug]
        self.budgets.clear()
        text = self.render(
            "story.md.j2",
            story=story,
            articles=articles,
            anchors={a.id: f"article-{n}" for n, a in enumerate(articles, 1)},
            adds=[a for a in articles if highlights.exclusives.get(a.id)],
            highlights=highlights,
            tags=(tags := [self.topics[slug].name for slug in story.topics if slug in self.topics]),
            # Material prints tags as they are: the front matter holds them HTML-escaped.
            tag_labels=[html_text(name) for name in tags],
            quotes=highlights.quotes,
            terms=highlights.terms,
            timeline=highlights.timeline,
            first_date=highlights.first_date,
            first=[digest.articles[i] for i in highlights.first],
        )
        shown = self.budgets[0].record if self.budgets else {}
        return story_page(story.slug), text, page_record(story, articles, shown, highlights.terms)

    def listings(self) -> dict[str, str]:
        """Home, topics, outlets, archive and tags."""
        site = self.site
        stories = {s.slug: s for s in site.stories}
        pages = {
            "index.md": self.render("index.md.j2", stories=site.home),
            "topics/index.md": self.render("topics.md.j2"),
        }
        for topic in site.topics:
            pages[topic_page(topic.slug)] = self.render(
                "topic.md.j2",
                topic=topic,
                stories=[stories[s] for s in site.topic_stories[topic.slug]],
            )
        pages["outlets/index.md"] = self.render("outlets.md.j2")
        for name, outlet_stories in site.by_outlet.items():
            pages[outlet_page(site.outlet_slugs[name])] = self.render(
                "outlet.md.j2", outlet=name, stories=outlet_stories
            )
        pages["archive/index.md"] = self.render("archive.md.j2")
        for day, day_stories in site.by_day.items():
            pages[day_page(day)] = self.render("day.md.j2", day=day, stories=day_stories)
        pages["tags.md"] = self.render("tags.md.j2")
        return pages


def all_pages(
    pages: Pages, executor: Executor, per_task: int = STORY_PAGES_PER_TASK
) -> dict[str, str]:
    """Every page: story pages on forked processes (most of a site) while this one renders
    the listing pages; then the redirects of old story URLs."""
    return all_pages_and_records(pages, executor, per_task)[0]


def all_pages_and_records(
    pages: Pages, executor: Executor, per_task: int = STORY_PAGES_PER_TASK
) -> tuple[dict[str, str], list[dict[str, object]]]:
    """``all_pages``, and the record of each story page, in the order of the stories."""
    stories = pages.site.stories
    listings: dict[str, str] = {}
    rendered = executor.fork_map(
        lambda i: pages.story_with_record(stories[i]),
        len(stories),
        per_task,
        meanwhile=lambda: listings.update(pages.listings()),
    )
    digest = pages.site.digest
    every = {
        **listings,
        **{path: text for path, text, _ in rendered},
        **redirect_pages(digest.redirects, {s.slug: md_escape(s.title) for s in digest.stories}),
        **topic_redirect_pages(pages.site.topic_moves()),
    }
    return every, [record for _, _, record in rendered]


def page_record(
    story: Story,
    articles: list[Article],
    shown: dict[str, list[dict[str, object]]],
    terms: Iterable[str],
) -> dict[str, object]:
    """What one story page shows, as plain data: its headline (and whether it was taken
    from the text), its articles' headlines and dates, and each section's sentences,
    quotes and key terms. ``newsdigest audit`` reads these; they are not published."""
    return {
        "slug": story.slug,
        "page": story_page(story.slug),
        "title": story.title,
        "title_derived": story.title_derived,
        "articles": [
            {
                "id": a.id,
                "title": a.title,
                "title_derived": a.title_derived,
                "source": a.source,
                "dated": a.date is not None,
            }
            for a in articles
        ],
        "sections": {name: list(items) for name, items in sorted(shown.items())},
        "terms": list(terms),
    }


def topic_redirect_pages(moves: dict[str, tuple[str, str]]) -> dict[str, str]:
    """Pages at the URLs of automatic topics that disappeared or merged (``Site.topic_moves``:
    old slug -> (the page now holding its stories, its name)), like ``redirect_pages``."""
    pages = {}
    for old, (page, name) in sorted(moves.items()):
        url = page.removeprefix("topics/").removesuffix(".md")
        url = "../" if url == "index" else f"../{url}/"
        link = page.removeprefix("topics/")
        pages[topic_page(old)] = (
            "---\nsearch:\n  exclude: true\n---\n\n"
            f'<meta http-equiv="refresh" content="0; url={url}">\n\n'
            f"# This topic has moved\n\nIts stories are now under [{md_escape(name)}]({link}).\n"
        )
    return pages


def redirect_pages(redirects: dict[str, str], titles: dict[str, str]) -> dict[str, str]:
    """Markdown pages at the old story URLs that send readers to the story's new URL.

    No plugin needed: a meta refresh (browsers honour it in the body too) plus a
    plain link that MkDocs checks like any other, kept out of the search index.
    ``titles`` maps current slugs to story titles, already escaped for Markdown.
    """
    pages = {}
    for old, new in sorted(redirects.items()):
        pages[story_page(old)] = (
            "---\nsearch:\n  exclude: true\n---\n\n"
            f'<meta http-equiv="refresh" content="0; url=../{new}/">\n\n'
            f"# This story has moved\n\nIt is now part of [{titles.get(new, new)}]({new}.md).\n"
        )
    return pages
