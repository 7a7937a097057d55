"""Search with Pagefind (src/newsdigest/render/search.py): what the pages give Pagefind to
index, and a real `mkdocs build` of the seeds with the plugin on, off, and replaced by
Material's search. (The browser side is in tests/e2e.)"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import pytest
from mkdocs.exceptions import PluginError

from newsdigest.cli import run
from newsdigest.render.search import BODY_CLOSE, BODY_OPEN, UNUSED, mark_page, search_data

ROOT = Path(__file__).resolve().parents[1]


class _Indexed(HTMLParser):
    """What Pagefind reads of a page: text inside data-pagefind-body and outside
    data-pagefind-ignore, and the meta, filter and sort values of data-pagefind-*."""

    VOID: ClassVar[set[str]] = {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, bool, bool]] = []  # (tag, in body, ignored)
        self.text: list[str] = []
        self.meta: dict[str, str] = {}
        self.filters: dict[str, list[str]] = {}
        self.sort: dict[str, str] = {}
        self.body = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        body, ignored = self.stack[-1][1:] if self.stack else (False, False)
        if "data-pagefind-body" in attrs:
            body = self.body = True
        if "data-pagefind-ignore" in attrs or tag in ("nav", "footer", "script", "style", "form"):
            ignored = True
        for kind, store in (("meta", self.meta), ("sort", self.sort)):
            if f"data-pagefind-{kind}" in attrs:
                key = attrs[f"data-pagefind-{kind}"].removesuffix("[data-value]")
                store[key] = attrs["data-value"]
        if "data-pagefind-filter" in attrs:
            key = attrs["data-pagefind-filter"].removesuffix("[data-value]")
            self.filters.setdefault(key, []).append(attrs["data-value"])
        if tag not in self.VOID:
            self.stack.append((tag, body, ignored))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self.stack and self.stack[-1][1] and not self.stack[-1][2]:
            self.text.append(data)


def indexed_pages(site: Path) -> dict[str, dict]:
    """Every page Pagefind indexes in ``site`` (by path): its text, meta, filters, sort."""
    pages = {}
    for file in sorted(site.rglob("*.html")):
        parser = _Indexed()
        parser.feed(file.read_text(encoding="utf-8"))
        if parser.body:
            pages[file.relative_to(site).as_posix()] = {
                "text": " ".join(" ".join(parser.text).split()),
                "meta": parser.meta,
                "filters": parser.filters,
                "sort": parser.sort,
            }
    return pages


def test_markers_become_the_indexed_regions_and_the_headline_joins_them():
    html = (
        f'<h1 id="t">Headline</h1>\n<p>meta line</p>\n{BODY_OPEN}\n<ul><li>One</li></ul>\n{BODY_CLOSE}\n'
        '<h2 id="c">Coverage</h2><h1>Another</h1>'
    )
    out = mark_page(
        html,
        {
            "kind": "story",
            "date": "2026-03-03",
            "sort": 1772500000,
            "outlets": ["Smith, Jones: Reports", 'The "Wire"'],
            "topics": ["Russia"],
        },
        "First &amp; foremost.",
    )
    assert out.startswith('<h1 data-pagefind-body id="t">') and "<h1>Another</h1>" in out
    page = _Indexed()
    page.feed(out)
    assert " ".join(" ".join(page.text).split()) == "Headline One"
    assert page.meta == {"kind": "story", "lead": "First & foremost.", "date": "2026-03-03"}
    # an outlet's name with a comma, a colon and quotes stays one value
    assert page.filters == {"outlet": ["Smith, Jones: Reports", 'The "Wire"'], "topic": ["Russia"]}
    assert page.sort == {"date": "1772500000"}


@pytest.mark.parametrize(
    "html",
    [
        f"{BODY_OPEN}<p>x</p>",
        f"{BODY_CLOSE}<p>x</p>{BODY_OPEN}",
        f"{BODY_OPEN}{BODY_OPEN}<p>x</p>{BODY_CLOSE}{BODY_CLOSE}",
    ],
)
def test_markers_that_do_not_pair_up_fail_the_build(html):
    with pytest.raises(PluginError):
        mark_page(html, {"kind": "story"}, None)


def test_search_data_escapes_what_it_is_given():
    data = search_data({"kind": "outlet", "note": '<script>alert(1)</script>"'}, None)
    assert "<script>" not in data and "&lt;script&gt;" in data and "&quot;" in data


def _build(tmp_path: Path, plugins: str | None = None) -> Path:
    """The seeds' site; ``plugins`` replaces the newsdigest-pagefind line of mkdocs.yml."""
    mkdocs = ROOT / "mkdocs.yml"
    text = mkdocs.read_text(encoding="utf-8").replace(
        "custom_dir: overrides", f"custom_dir: {ROOT / 'overrides'}"
    )
    if plugins is not None:
        assert "\n  - newsdigest-pagefind\n" in text
        text = text.replace("\n  - newsdigest-pagefind\n", f"\n  - {plugins}\n")
    base = tmp_path / "mkdocs.yml"
    base.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert (
        run(
            [
                "build",
                "-q",
                "--input",
                str(ROOT / "seeds"),
                "--topics",
                str(ROOT / "topics"),
                "--out",
                str(out),
                "--settings",
                str(tmp_path / "none.yml"),
                "--templates",
                str(ROOT / "site_templates"),
                "--mkdocs",
                str(base),
                "--site-dir",
                str(out / "site"),
            ]
        )
        == 0
    )
    # Without -q: `--strict --quiet` lets warnings through (an upstream bug).
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(out / "mkdocs.yml")],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0 and "WARNING" not in result.stderr, result.stderr
    return out / "site"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return _build(tmp_path_factory.mktemp("pagefind"))


def test_stories_topics_and_outlets_are_indexed_and_listing_pages_are_not(site):
    pages = indexed_pages(site)
    assert set(pages) == {
        "stories/interim-syrian-president-ahmad-al-shareh-said-in-moscow-that/index.html",
        "topics/middle-east/index.html",
        "topics/russia/index.html",
        "outlets/al-jazeera/index.html",
    }
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert entry["languages"]["en"]["page_count"] == len(pages)
    for listing in (
        "index.html",
        "archive/index.html",
        "archive/undated/index.html",
        "tags/index.html",
        "topics/index.html",
        "outlets/index.html",
    ):
        assert (site / listing).exists() and "data-pagefind-body" not in (site / listing).read_text(
            encoding="utf-8"
        )


def test_a_story_is_indexed_by_its_headline_and_summary(site):
    story = next(p for path, p in indexed_pages(site).items() if path.startswith("stories/"))
    text = story["text"]
    assert text.startswith(
        "Syria seeks to 'redefine' Russia ties, al-Sharaa tells Putin in Moscow Interim Syrian"
    )
    for name in ("al-Sharaa", "al-Shareh", "Putin", "Kremlin"):
        assert name in text, name
    # not the meta line, the boilerplate, the outlet after each sentence, the quotes or the coverage
    for left_out in (
        "2 articles",
        "Each sentence is quoted",
        "Al Jazeera",
        "unknown outlet",
        "Key quotes",
        "Coverage",
        "Agence France-Presse",
    ):
        assert left_out not in text, left_out
    assert story["meta"]["kind"] == "story"
    assert story["meta"]["lead"].startswith(
        "Interim Syrian President Ahmad al-Shareh said in Moscow today"
    )
    assert story["filters"] == {"outlet": ["Al Jazeera"], "topic": ["Middle East", "Russia"]}
    # the seeds carry no date: none shown, and "newest first" puts the story last
    assert "date" not in story["meta"] and story["sort"] == {"date": "0"}


def test_topic_and_outlet_pages_are_indexed_by_name_and_description(site):
    pages = indexed_pages(site)
    russia = pages["topics/russia/index.html"]
    assert russia["text"] == "Russia The Kremlin, its wars and its diplomacy."
    assert russia["meta"] == {
        "kind": "topic",
        "lead": "The Kremlin, its wars and its diplomacy.",
        "note": "1 story",
    }
    outlet = pages["outlets/al-jazeera/index.html"]
    assert outlet["text"] == "Al Jazeera" and outlet["meta"] == {
        "kind": "outlet",
        "note": "1 story",
    }
    assert not russia["filters"] and not outlet["sort"]  # "newest first" lists stories only


def test_the_bundle_is_pagefinds_engine_without_its_unused_uis(site):
    bundle = site / "pagefind"
    assert (bundle / "pagefind.js").is_file() and list(bundle.glob("wasm.en.pagefind"))
    assert list((bundle / "index").glob("*.pf_index")) and list(
        (bundle / "fragment").glob("*.pf_fragment")
    )
    assert not [name for name in UNUSED if (bundle / name).exists()]
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'data-nd-search="pagefind/"' in home and "assets/newsdigest/search.js" in home
    assert 'name="search"' not in home and not (site / "search" / "search_index.json").exists()


def test_each_build_indexes_afresh_and_reports_what_it_did(tmp_path, caplog):
    from types import SimpleNamespace

    from newsdigest.render.search import PagefindPlugin

    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "a" / "index.html").write_text(
        '<html lang="en"><body><h1 data-pagefind-body>Alpha</h1></body></html>'
    )
    (site / "pagefind" / "index").mkdir(parents=True)
    (site / "pagefind" / "index" / "en_stale.pf_index").write_bytes(b"from an earlier build")
    plugin = PagefindPlugin()
    plugin.load_config({})
    plugin.marked, plugin.folders = 1, {"a"}  # as on_page_content leaves them for a/index.html
    with caplog.at_level("INFO", logger="mkdocs.plugins.newsdigest.search"):
        plugin.on_post_build(config=SimpleNamespace(site_dir=str(site)))
    # Pagefind only adds to its folder: the plugin empties it first
    assert not (site / "pagefind" / "index" / "en_stale.pf_index").exists()
    assert len(list((site / "pagefind" / "index").glob("*.pf_index"))) == 1
    assert re.search(r"1 pages \(1 words\) indexed in [\d.]+ s, peak \d+ MB", caplog.text), (
        caplog.text
    )


def test_search_can_be_turned_off(tmp_path):
    site = _build(tmp_path, plugins="newsdigest-pagefind: {enabled: false}")
    home = (site / "index.html").read_text(encoding="utf-8")
    assert not (site / "pagefind").exists() and not (site / "search").exists()
    assert "data-nd-search" not in home and "md-search" not in home
    assert "data-pagefind-body" not in (site / "topics" / "russia" / "index.html").read_text(
        encoding="utf-8"
    )


def test_materials_search_is_still_an_option(tmp_path):
    site = _build(tmp_path, plugins="search")
    home = (site / "index.html").read_text(encoding="utf-8")
    assert (
        'name="search"' in home
        and "data-nd-search" not in home
        and not (site / "pagefind").exists()
    )
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    text = " ".join(
        d["title"] + " " + d["text"] for d in index["docs"] if d["location"].startswith("stories/")
    )
    assert "al-Shareh" in text and "al-Sharaa" in text
    assert not any(
        re.search(r"#(key-quotes|what-each-outlet-adds)$", d["location"]) for d in index["docs"]
    )
