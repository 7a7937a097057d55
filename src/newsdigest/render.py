"""Render: write the digest as Markdown pages (Jinja2 templates in ``site_templates/``)
and the MkDocs configuration that compiles them into the site.

Article text is data, never markup: every value from an article goes through the
``md`` filter, which escapes HTML and Markdown syntax so that a ``<script>``, a
``[link](javascript:...)`` or a ``{{ jinja }}`` in an article reaches the page as
literal text.
"""

from __future__ import annotations

import html
import math
import multiprocessing as mp
import os
import re
import shutil
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .highlights import KeyTerms, first_reported, key_quotes, timeline
from .model import Article, SentenceRef, Story
from .pipeline import Digest, make_slug
from .registry import redirect_pages
from .settings import Settings

# Characters Python-Markdown lets a backslash escape get one; '<', '>' and '&' become
# entities. One pattern and a lookup (str.translate with this table was four times slower).
_MD_REPLACEMENT = {**{c: "\\" + c for c in "\\`*_{}[]()#+!|"}, "&": "&amp;", "<": "&lt;", ">": "&gt;"}
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
    if value and re.fullmatch(r"https?://[^\s<>\"')]+", value):  # fullmatch: "$" would allow a final "\n"
        return value.replace("(", "%28").replace(")", "%29")
    return None


def digest_date(digest: Digest) -> datetime | None:
    """The date the digest stands for: SOURCE_DATE_EPOCH if set, else the newest article's date.

    Never the wall clock, so the same input gives byte-identical pages.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    return max((a.date for a in digest.articles.values() if a.date), default=None)


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


class QuoteBudget:
    """How much of each article one page may quote: at most ``share`` of its sentences
    (rounded up, at least one). A sentence already on the page costs nothing again;
    blocks are filled in page order, so the summary wins over the coverage excerpt."""

    def __init__(self, digest: Digest, share: float):
        self.digest = digest
        self.share = share
        self.shown: dict[str, set[int]] = {}

    def take(self, refs) -> list[SentenceRef]:
        kept = []
        for ref in refs:
            shown = self.shown.setdefault(ref.article_id, set())
            total = len(self.digest.documents[ref.article_id].sentences)
            if ref.index in shown or len(shown) < max(1, math.ceil(total * self.share)):
                shown.add(ref.index)
                kept.append(ref)
        return kept


def html_text(text: str) -> str:
    """Plain text for an HTML attribute (MkDocs prints front matter values unescaped)."""
    return html.escape(" ".join(text.split()), quote=True)


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else (many or word + 's')}"


def read_mkdocs_config(path: Path) -> dict:
    """The project's mkdocs.yml as data; tags such as !!python/name are kept as None."""
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)  # noqa: S506 - SafeLoader subclass
    return data if isinstance(data, dict) else {}


@dataclass(frozen=True)
class SiteInfo:
    """What the pages and feeds need from mkdocs.yml (set there, never repeated here)."""

    name: str
    description: str
    url: str | None  # site_url, with a trailing slash
    language: str
    directory_urls: bool

    @classmethod
    def from_config(cls, config: dict) -> SiteInfo:
        theme = config.get("theme") or {}
        url = config.get("site_url") or None
        return cls(name=str(config.get("site_name") or "News digest"),
                   description=str(config.get("site_description") or ""),
                   url=url if url is None or url.endswith("/") else url + "/",
                   language=str(theme.get("language") or "en") if isinstance(theme, dict) else "en",
                   directory_urls=bool(config.get("use_directory_urls", True)))

    def page_path(self, page: str) -> str:
        """The served path of a Markdown page, relative to the site root."""
        stem = page.removesuffix(".md")
        if stem == "index" or stem.endswith("/index"):
            return stem.removesuffix("index")
        return f"{stem}/" if self.directory_urls else f"{stem}.html"


class Site:
    """The digest arranged for pages: which stories are published, on the home page,
    under each outlet and day, with every label and link the templates need."""

    def __init__(self, digest: Digest, settings: Settings):
        self.digest = digest
        self.settings = settings
        self.zone = ZoneInfo(settings.timezone)
        self.date = digest_date(digest)
        self.today: date | None = self.date.astimezone(self.zone).date() if self.date else None
        self.stories = [s for s in digest.stories if self._within(s, settings.retention_days)]
        published = {s.slug for s in self.stories}
        self.topic_stories = {t.slug: [s for s in digest.topic_stories[t.slug] if s in published]
                              for t in digest.topics}
        self.topics = [t for t in digest.topics if self.topic_stories[t.slug]]
        self.home = [s for s in self.stories if self._within(s, settings.home_days)][: settings.home_stories]
        self.outlet_slugs: dict[str, str] = {}
        taken: set[str] = set()
        for name in outlet_names(list(digest.articles.values())):
            self.outlet_slugs[name] = make_slug(name, taken)
        self.by_outlet: dict[str, list[Story]] = {name: [] for name in self.outlet_slugs}
        self.by_day: dict[date | None, list[Story]] = {}
        for story in self.stories:
            articles = digest.story_articles(story)
            for name in outlet_names(articles):
                self.by_outlet[name].append(story)
            for day in self.days(articles) or [None]:
                self.by_day.setdefault(day, []).append(story)
        self.by_outlet = {name: stories for name, stories in self.by_outlet.items() if stories}
        texts = [" ".join(part for a in digest.story_articles(s) for part in (a.title or "", a.text))
                 for s in self.stories]
        self._key_terms = KeyTerms(texts, settings.key_terms)
        self._story_index = {s.slug: i for i, s in enumerate(self.stories)}

    def terms(self, story: Story) -> list[str]:
        """The story's key terms (weighted across every published story)."""
        return self._key_terms(self._story_index[story.slug])

    def days(self, articles: list[Article]) -> list[date]:
        return sorted({a.date.astimezone(self.zone).date() for a in articles if a.date})

    def newest(self, story: Story) -> datetime | None:
        return max((a.date for a in self.digest.story_articles(story) if a.date), default=None)

    def _within(self, story: Story, days: int) -> bool:
        """Coverage on one of the ``days`` days up to today (0 days: no limit; undated: always)."""
        newest = self.newest(story)
        if not days or newest is None or self.today is None:
            return True
        return newest.astimezone(self.zone).date() > self.today - timedelta(days=days)


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
    known = (f"{sum(counts.values())} from {md_escape(next(iter(counts)))}" if len(counts) == 1
             else f"{sum(counts.values())} from {plural(len(counts), 'outlet')}")
    return f"{total}: {known}, {unknown} from {'an unknown outlet' if unknown == 1 else 'unknown outlets'}"


def make_environment(templates: Path, settings: Settings) -> Environment:
    zone = ZoneInfo(settings.timezone)
    env = Environment(loader=FileSystemLoader(str(templates)), undefined=StrictUndefined,
                      keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
                      autoescape=False)  # Markdown, not HTML: escaping is the md filter's job
    env.filters["md"] = md_escape
    env.filters["url"] = safe_url
    env.filters["day"] = lambda d: d.astimezone(zone).strftime("%Y-%m-%d") if d else ""
    env.filters["excerpt"] = lambda text: excerpt(text, settings.excerpt_chars)
    env.filters["plural"] = plural
    env.filters["when"] = lambda d: _when(d, zone)
    return env


def outlet_names(articles: list[Article]) -> list[str]:
    """Every outlet that ran an article of the story, syndicated copies included."""
    return sorted({a.source for a in articles if a.source} | {o for a in articles for o in a.also_in})


def _when(moment: datetime | None, zone: ZoneInfo) -> str:
    """A <time> element: the day, and the hour where the input gave one."""
    if moment is None:
        return ""
    local = moment.astimezone(zone)
    given_time = moment.timetz().replace(tzinfo=None) != time(0, 0)
    shown = local.strftime("%Y-%m-%d %H:%M %Z") if given_time else local.strftime("%Y-%m-%d")
    return f'<time datetime="{moment.isoformat()}">{shown}</time>'


def front_matter(**values) -> str:
    values = {k: v for k, v in values.items() if v}
    if not values:
        return ""
    return "---\n" + yaml.safe_dump(values, sort_keys=False, allow_unicode=True, width=1000) + "---\n\n"


def write_site(digest: Digest, out_dir: Path, templates: Path, settings: Settings,
               mkdocs_base: Path, site_dir: Path | None = None, jobs: int = 1) -> list[Path]:
    """Write the Markdown pages, feeds and ``mkdocs.yml`` into ``out_dir``; return the pages written.

    ``out_dir/docs`` is replaced whole, so a story that left the input leaves no stale page.
    ``jobs``: processes for the story pages (the same pages whatever the number).
    """
    from .feeds import write_feeds

    env = make_environment(templates, settings)
    config = read_mkdocs_config(mkdocs_base)
    info = SiteInfo.from_config(config)
    site = Site(digest, settings)
    docs = out_dir / "docs"
    if docs.exists():
        shutil.rmtree(docs)
    docs.mkdir(parents=True)
    topics = {t.slug: t for t in digest.topics}
    context = dict(digest=digest, site=site, topics=topics, date=site.date, settings=settings,
                   outlets=lambda s: outlet_names(digest.story_articles(s)),
                   coverage=lambda s: coverage_phrase(digest.story_articles(s)),
                   newest=site.newest, front_matter=front_matter, html_text=html_text)
    context["budget"] = lambda: QuoteBudget(digest, settings.max_article_share)
    pages: dict[str, str] = {}
    stories = {s.slug: s for s in site.stories}

    def listing_pages() -> None:  # home, topics, outlets, archive: rendered while story pages are
        pages["index.md"] = env.get_template("index.md.j2").render(stories=site.home, **context)
        pages["topics/index.md"] = env.get_template("topics.md.j2").render(**context)
        for topic in site.topics:
            pages[f"topics/{topic.slug}.md"] = env.get_template("topic.md.j2").render(
                topic=topic, stories=[stories[s] for s in site.topic_stories[topic.slug]], **context)
        pages["outlets/index.md"] = env.get_template("outlets.md.j2").render(**context)
        for name, outlet_stories in site.by_outlet.items():
            pages[f"outlets/{site.outlet_slugs[name]}.md"] = env.get_template("outlet.md.j2").render(
                outlet=name, stories=outlet_stories, **context)
        pages["archive/index.md"] = env.get_template("archive.md.j2").render(**context)
        for day, day_stories in site.by_day.items():
            name = day.isoformat() if day else "undated"
            pages[f"archive/{name}.md"] = env.get_template("day.md.j2").render(
                day=day, stories=day_stories, **context)
        pages["tags.md"] = env.get_template("tags.md.j2").render(**context)

    pages.update(_story_pages(StoryPages(site, env, context), jobs, meanwhile=listing_pages))
    # Old story URLs (merged stories, the editor's merges) redirect to where the articles went.
    pages.update(redirect_pages(digest.redirects, {s.slug: md_escape(s.title) for s in digest.stories}))
    written = []
    for name, text in sorted(pages.items()):
        path = docs / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    write_feeds(site, info, docs)
    write_mkdocs_config(site, out_dir, mkdocs_base, config, site_dir or mkdocs_base.parent / "site")
    return written


@dataclass
class StoryPages:
    """What rendering a story page needs: everything but the story."""

    site: Site
    env: Environment
    context: dict

    def render(self, story: Story) -> tuple[str, str]:
        digest, settings = self.site.digest, self.site.settings
        topics = self.context["topics"]
        articles = digest.story_articles(story)
        first_date, first = first_reported(articles)
        return f"stories/{story.slug}.md", self.env.get_template("story.md.j2").render(
            story=story, articles=articles, anchors={a.id: f"article-{n}" for n, a in enumerate(articles, 1)},
            adds=[a for a in articles if digest.exclusives.get(a.id)],
            tags=[topics[slug].name for slug in story.topics if slug in topics],
            quotes=key_quotes([digest.documents[a.id] for a in articles], settings.key_quotes),
            terms=self.site.terms(story), timeline=timeline(articles, self.site.zone),
            first_date=first_date, first=first, **self.context)


# Story pages per task when they are rendered on several processes.
STORY_PAGES_PER_TASK = 100
_FORKED: StoryPages | None = None  # what forked workers render from (inherited, never pickled)


def _story_pages(pages: StoryPages, jobs: int, meanwhile: Callable[[], None]) -> dict[str, str]:
    """Every story page, rendered here or, with ``jobs`` > 1, on forked processes while
    this one runs ``meanwhile`` (the other pages).

    Story pages are most of a site and depend only on the digest, which a forked
    process already holds: only positions in the story list go out and the page texts
    come back. Where
    processes cannot be forked (Windows), or for a small site, they render here.
    """
    global _FORKED
    stories = pages.site.stories
    if jobs <= 1 or len(stories) < 2 * STORY_PAGES_PER_TASK or "fork" not in mp.get_all_start_methods():
        meanwhile()
        return dict(pages.render(story) for story in stories)
    _FORKED = pages
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=mp.get_context("fork")) as pool:
            tasks = [pool.submit(_render_in_child, start, start + STORY_PAGES_PER_TASK)
                     for start in range(0, len(stories), STORY_PAGES_PER_TASK)]
            meanwhile()
            return {name: text for task in tasks for name, text in task.result()}
    finally:
        _FORKED = None


def _render_in_child(start: int, stop: int) -> list[tuple[str, str]]:
    return [_FORKED.render(story) for story in _FORKED.site.stories[start:stop]]


def write_mkdocs_config(site: Site, out_dir: Path, mkdocs_base: Path, base_config: dict,
                        site_dir: Path) -> Path:
    """A generated mkdocs.yml that inherits the project's and adds the bounded navigation.

    The navigation holds the home page, the topic, outlet and archive indexes and the
    editor topics: Material renders the whole nav into every page, so listing every
    story, outlet or day would make build time and site size grow with the square of
    the input. Those pages are linked from the indexes instead.
    """
    topics = [{t.name: f"topics/{t.slug}.md"} for t in site.topics if not t.automatic]
    nav = [{"Home": "index.md"},
           {"Topics": ["topics/index.md"] + topics},
           {"Outlets": "outlets/index.md"},
           {"Archive": "archive/index.md"}]
    config = {
        "INHERIT": os.path.relpath(mkdocs_base.resolve(), out_dir.resolve()),
        "docs_dir": "docs",
        "site_dir": os.path.relpath(site_dir.resolve(), out_dir.resolve()),
        "nav": nav,
        "not_in_nav": "/stories/\n/outlets/\n/archive/\n/topics/\n/tags.md\n",
    }
    theme = base_config.get("theme")
    if isinstance(theme, dict) and theme.get("custom_dir"):
        # MkDocs resolves paths against the generated file, not the inherited one.
        custom = (mkdocs_base.parent / theme["custom_dir"]).resolve()
        config["theme"] = {"custom_dir": os.path.relpath(custom, out_dir.resolve())}
    path = out_dir / "mkdocs.yml"
    path.write_text("# Generated by newsdigest: edit the project's mkdocs.yml instead.\n"
                    + yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path
