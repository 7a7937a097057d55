"""Render: write the digest as Markdown pages, feeds and the MkDocs configuration that
compiles them into the site.

    layout.py   which pages there are, where they live, which stories each lists
    pages.py    the pages, from the Jinja2 templates in ``site_templates/``
    markup.py   escaping article text for Markdown and HTML; small shared formats
    feeds.py    Atom, RSS and JSON Feed for the digest and each topic
    mkdocs.py   the site generator's configuration (the one module a successor replaces)
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from ..executor import Executor
from ..model import Digest
from ..settings import Settings
from .feeds import write_feeds
from .layout import Site, topic_page
from .markup import excerpt, md_escape, safe_url
from .mkdocs import SiteInfo, read_mkdocs_config, write_mkdocs_config
from .pages import STORY_PAGES_PER_TASK, Pages, all_pages_and_records, make_environment

__all__ = ["excerpt", "md_escape", "safe_url", "write_site"]


def write_site(
    digest: Digest,
    out_dir: Path,
    templates: Path,
    settings: Settings,
    mkdocs_base: Path,
    site_dir: Path | None = None,
    executor: Executor = Executor(),
    pages_per_task: int = STORY_PAGES_PER_TASK,
    *,
    publish_dir: Path | None = None,
    site_url: str | None = None,
) -> list[Path]:
    """Write the Markdown pages, feeds and ``mkdocs.yml`` into ``out_dir``; return the pages
    written.

    ``out_dir/docs`` is replaced whole, so a story that left the input leaves no stale page.
    The executor's processes render the story pages, ``pages_per_task`` at a time (the same
    pages whatever the numbers). ``publish_dir``: where ``out_dir`` will be once published
    (``newsdigest build`` writes into a staging folder beside it), for the paths in
    ``mkdocs.yml``; ``site_url`` overrides the one in ``mkdocs_base``.
    """
    config = read_mkdocs_config(mkdocs_base)
    if site_url:
        config["site_url"] = site_url
    site = Site(digest, settings)
    pages, records = all_pages_and_records(
        Pages(site, make_environment(templates, settings)), executor, pages_per_task
    )
    docs = out_dir / "docs"
    if docs.exists():
        shutil.rmtree(docs)
    docs.mkdir(parents=True)
    written = []
    for name, text in sorted(pages.items()):
        path = docs / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    write_record(out_dir, records, settings)
    write_feeds(site, SiteInfo.from_config(config), docs)
    write_mkdocs_config(
        out_dir,
        mkdocs_base,
        config,
        site_dir or mkdocs_base.parent / "site",
        [(t.name, topic_page(t.slug)) for t in site.topics if not t.automatic],
        publish_dir,
        site_url,
    )
    return written


# The record of what each story page shows, beside the pages (not under docs/, so never
# published): ``newsdigest audit`` reads it. Article texts stay in the build folder.
RECORD = "digest.json"


def write_record(out_dir: Path, records: list[dict[str, object]], settings: Settings) -> Path:
    path = out_dir / RECORD
    data = {"version": 1, "excerpt_chars": settings.excerpt_chars, "stories": records}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path
