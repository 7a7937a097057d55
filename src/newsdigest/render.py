"""Render: write the digest as Markdown pages (Jinja2 templates in ``site_templates/``)
and the MkDocs configuration that compiles them into the site.

Article text is data, never markup: every value from an article goes through the
``md`` filter, which escapes HTML and Markdown syntax so that a ``<script>``, a
``[link](javascript:...)`` or a ``{{ jinja }}`` in an article reaches the page as
literal text.
"""

from __future__ import annotations

import os
import re
import shutil
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .model import Article
from .pipeline import Digest
from .registry import redirect_pages
from .settings import Settings

# Characters Python-Markdown lets a backslash escape; '<', '>' and '&' become entities.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|])")
_LINE_START = re.compile(r"^([-=.:>~])")


def md_escape(value: object) -> str:
    """Text from an article as literal Markdown inline text, on one line."""
    text = " ".join(str(value).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _LINE_START.sub(r"\\\1", text)


def safe_url(value: str | None) -> str | None:
    """Only http(s) URLs become links; anything else (javascript:, data:) is dropped."""
    if value and re.match(r"^https?://[^\s<>\"')]+$", value):
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


def make_environment(templates: Path, settings: Settings) -> Environment:
    zone = ZoneInfo(settings.timezone)
    env = Environment(loader=FileSystemLoader(str(templates)), undefined=StrictUndefined,
                      keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
                      autoescape=False)  # Markdown, not HTML: escaping is the md filter's job
    env.filters["md"] = md_escape
    env.filters["url"] = safe_url
    env.filters["day"] = lambda d: d.astimezone(zone).strftime("%Y-%m-%d") if d else ""
    return env


def outlet_names(articles: list[Article]) -> list[str]:
    return sorted({a.source for a in articles if a.source})


def write_site(digest: Digest, out_dir: Path, templates: Path, settings: Settings,
               mkdocs_base: Path, site_dir: Path | None = None) -> list[Path]:
    """Write the Markdown pages and ``mkdocs.yml`` into ``out_dir``; return the pages written.

    ``out_dir/docs`` is replaced whole, so a story that left the input leaves no stale page.
    """
    env = make_environment(templates, settings)
    docs = out_dir / "docs"
    if docs.exists():
        shutil.rmtree(docs)
    (docs / "stories").mkdir(parents=True)
    (docs / "topics").mkdir(parents=True)
    topics = {t.slug: t for t in digest.topics}
    context = dict(digest=digest, topics=topics, outlets=lambda s: outlet_names(digest.story_articles(s)),
                   date=digest_date(digest), settings=settings)
    pages: dict[str, str] = {"index.md": env.get_template("index.md.j2").render(
        stories=digest.stories[: settings.home_stories], **context)}
    pages["topics/index.md"] = env.get_template("topics.md.j2").render(**context)
    stories = {s.slug: s for s in digest.stories}
    for topic in digest.topics:
        pages[f"topics/{topic.slug}.md"] = env.get_template("topic.md.j2").render(
            topic=topic, stories=[stories[s] for s in digest.topic_stories[topic.slug]], **context)
    for story in digest.stories:
        pages[f"stories/{story.slug}.md"] = env.get_template("story.md.j2").render(
            story=story, articles=digest.story_articles(story), **context)
    # Old story URLs (merged stories, the editor's merges) redirect to where the articles went.
    pages.update(redirect_pages(digest.redirects, {s.slug: md_escape(s.title) for s in digest.stories}))
    written = []
    for name, text in sorted(pages.items()):
        path = docs / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    write_mkdocs_config(digest, out_dir, mkdocs_base, site_dir or mkdocs_base.parent / "site")
    return written


def write_mkdocs_config(digest: Digest, out_dir: Path, mkdocs_base: Path, site_dir: Path) -> Path:
    """A generated mkdocs.yml that inherits the project's and adds the bounded navigation.

    Only the home page and topic pages are in the navigation: Material renders the
    whole nav into every page, so listing every story would make build time and site
    size grow with the square of the story count.
    """
    nav = [{"Home": "index.md"},
           {"Topics": ["topics/index.md"] + [{t.name: f"topics/{t.slug}.md"} for t in digest.topics]}]
    config = {
        "INHERIT": os.path.relpath(mkdocs_base.resolve(), out_dir.resolve()),
        "docs_dir": "docs",
        "site_dir": os.path.relpath(site_dir.resolve(), out_dir.resolve()),
        "nav": nav,
        "not_in_nav": "/stories/\n",
    }
    path = out_dir / "mkdocs.yml"
    path.write_text("# Generated by newsdigest: edit the project's mkdocs.yml instead.\n"
                    + yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path
