"""Site search with Pagefind: a MkDocs plugin (``plugins: [newsdigest-pagefind]``).

Material's own search ships one JSON index that every reader downloads before the first
result (11.6 MB at 10,000 articles). Pagefind indexes the built HTML instead and splits
the index into chunks, so a reader fetches only the chunks their words fall in.

What is indexed is decided by the templates in ``site_templates/``:

- a page is indexed only if its front matter has ``pagefind: {kind: ...}`` (``story``,
  ``topic`` or ``outlet``); every other page (home, archive days, tags, the indexes)
  is left out: once one page has ``data-pagefind-body``, Pagefind skips the pages
  without it;
- on such a page the first ``<h1>`` (the headline or name) is indexed, and whatever
  the template puts between ``<!-- pagefind:body -->`` and ``<!-- /pagefind:body -->``
  (a story's summary, a topic's description); ``data-pagefind-ignore`` inside a region
  leaves an element out (the outlet after each summary sentence);
- the front matter's ``pagefind`` values become what a result shows and what a search
  can filter and sort by: ``date`` (shown), ``sort`` (a number: newest first),
  ``outlets`` and ``topics`` (filters ``outlet`` and ``topic``), ``note`` (shown for a
  topic or outlet, "12 stories"), and the page's ``description`` (shown: a story's
  first summary sentence).

After the build, the Pagefind binary of the ``pagefind[bin]`` wheel indexes
``site_dir`` in one run (``pagefind/`` is removed first: Pagefind adds to what is
there). The search box (``overrides/partials/pagefind.html`` and
``overrides/assets/newsdigest/search.js``) loads ``pagefind/pagefind.js`` the first
time a reader focuses it.
"""

from __future__ import annotations

import html
import logging
import os
import re
import resource
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin

log = logging.getLogger("mkdocs.plugins.newsdigest.search")

KINDS = ("story", "topic", "outlet")
BODY_OPEN = "<!-- pagefind:body -->"
BODY_CLOSE = "<!-- /pagefind:body -->"
_MARKER = re.compile(re.escape(BODY_OPEN) + "|" + re.escape(BODY_CLOSE))
_FIRST_H1 = re.compile(r"<h1(?=[\s>])")


class PagefindConfig(Config):
    enabled = c.Type(bool, default=True)
    # The bundle's folder inside site_dir (the search box loads it from there).
    bundle = c.Type(str, default="pagefind")


class PagefindPlugin(BasePlugin[PagefindConfig]):
    """Marks what search holds while pages render; runs Pagefind over the built site."""

    def __init__(self):
        self.marked = 0
        self.folders: set[str] = set()  # top-level folders of the marked pages

    def on_config(self, config):
        if not self.config.enabled:
            return config
        if re.search(r"[^A-Za-z0-9_-]", self.config.bundle):
            raise PluginError(
                f"newsdigest-pagefind: bundle must be a folder name, not {self.config.bundle!r}"
            )
        if "material/search" in config.plugins or "search" in config.plugins:
            log.info(
                "newsdigest-pagefind: Material's search plugin is enabled too; the header shows "
                "Pagefind's search, and Material's index is built for nothing"
            )
        return config

    def on_pre_build(self, config):
        self.marked = 0
        self.folders = set()

    def on_page_content(self, html_text, page, config, files):
        spec = page.meta.get("pagefind")
        if not self.config.enabled or not isinstance(spec, dict) or spec.get("kind") not in KINDS:
            return html_text
        self.marked += 1
        top, _, rest = page.file.dest_uri.partition("/")
        self.folders.add(top if rest else "")
        return mark_page(html_text, spec, page.meta.get("description"), page.file.src_uri)

    def on_post_build(self, config):
        if not self.config.enabled:
            return
        site = Path(config.site_dir)
        bundle = site / self.config.bundle
        if bundle.exists():
            shutil.rmtree(bundle)
        if not self.marked:
            # Pagefind would index every page's <body> (listing pages included): no search instead.
            log.info("newsdigest-pagefind: no story, topic or outlet page; no search index written")
            return
        # Pagefind reads only the folders that hold marked pages (stories/, topics/, outlets/);
        # every HTML file where one sits at the top or a name would not fit in a glob.
        plain = self.folders and all(re.fullmatch(r"[\w.-]+", folder) for folder in self.folders)
        glob = "{" + ",".join(sorted(self.folders)) + "}/**/*.html" if plain else None
        stats = run_pagefind(site, self.config.bundle, glob)
        log.info(
            "newsdigest-pagefind: %s pages (%s words) indexed in %.1f s, peak %d MB",
            stats["pages"],
            stats["words"],
            stats["seconds"],
            stats["peak_mb"],
        )


def mark_page(content: str, spec: dict, description: str | None, name: str = "page") -> str:
    """The page's HTML (MkDocs' rendered Markdown) with Pagefind's attributes added."""
    regions = _MARKER.findall(content)
    if regions != [BODY_OPEN, BODY_CLOSE] * (len(regions) // 2):
        raise PluginError(
            f"newsdigest-pagefind: {name}: {BODY_OPEN} and {BODY_CLOSE} do not pair up"
        )
    content = _MARKER.sub(
        lambda m: "<div data-pagefind-body>" if m.group() == BODY_OPEN else "</div>", content
    )
    content = _FIRST_H1.sub("<h1 data-pagefind-body", content, count=1)
    return content + search_data(spec, description)


def search_data(spec: dict, description: str | None) -> str:
    """Empty hidden elements that carry the result's meta, filters and sort value.

    Values are read from attributes (``key[data-value]``), never written inline after
    ``key:``, so an outlet named "Smith, Jones: Reports" stays one value.
    """

    def span(kind: str, key: str, value: object) -> str:
        value = html.escape(str(value), quote=True)
        return f'<span data-pagefind-{kind}="{key}[data-value]" data-value="{value}"></span>'

    spans = [span("meta", "kind", spec["kind"])]
    lead = html.unescape(description or "").strip()  # front matter holds it HTML-escaped
    if lead:
        spans.append(span("meta", "lead", lead))
    for key in ("date", "note"):
        if spec.get(key):
            spans.append(span("meta", key, spec[key]))
    if spec.get("sort") is not None:
        spans.append(span("sort", "date", spec["sort"]))
    for key, filter_name in (("outlets", "outlet"), ("topics", "topic")):
        for value in spec.get(key) or ():
            spans.append(span("filter", filter_name, value))
    return '\n<div hidden data-pagefind-ignore="index">' + "".join(spans) + "</div>\n"


def pagefind_executable() -> Path:
    try:
        from pagefind_bin import get_executable
    except ImportError as error:
        raise PluginError(
            "newsdigest-pagefind: the Pagefind binary is missing: pip install 'pagefind[bin]' "
            "(or replace newsdigest-pagefind with search in mkdocs.yml's plugins)"
        ) from error
    return get_executable()


# Files of the bundle that the search box never loads (about 440 KB a site).
UNUSED = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-highlight.js",
)
_COUNT = re.compile(r"Indexed (\d+) (page|word)s?\b")


def run_pagefind(site: Path, bundle: str = "pagefind", glob: str | None = None) -> dict:
    """Index ``site`` (the files that match ``glob``, else every HTML file) into
    ``site/bundle`` in one run of the Pagefind CLI.

    It runs in an empty folder with no ``PAGEFIND_*`` variables, so no pagefind.yml or
    environment changes what is indexed. Returns pages and words indexed, seconds and
    the peak memory of the Pagefind process.
    """
    command = [str(pagefind_executable()), "--site", str(site.resolve()), "--output-subdir", bundle]
    if glob:
        command += ["--glob", glob]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAGEFIND_")}
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as empty:
        result = subprocess.run(command, cwd=empty, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise PluginError(
            f"newsdigest-pagefind: pagefind failed ({result.returncode}):\n"
            f"{result.stderr or result.stdout}"
        )
    for name in UNUSED:  # Pagefind's own UIs: the search box is assets/newsdigest/search.js
        (site / bundle / name).unlink(missing_ok=True)
    counts = {unit: int(n) for n, unit in _COUNT.findall(result.stdout)}
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024  # KB on Linux
    return {
        "pages": counts.get("page", 0),
        "words": counts.get("word", 0),
        "seconds": seconds,
        "peak_mb": peak,
    }
