"""Hostile text is shown, never run: a real build and `mkdocs build`, then the HTML is inspected."""

import json
import re
from pathlib import Path

import lxml.html
import pytest

from helpers import mkdocs_build
from newsdigest.cli import run

BODY = (
    'Officials said <script>alert("body")</script> and <img src=x onerror=alert(5)> appeared on the page.\n'
    "Readers saw [click](javascript:alert(6)) and ![img](javascript:alert(7)) and {{ config }} and "
    "{% include '../secret.txt' %} in the text.\n"
    '# Not a heading | a | b | !!! warning "x" --8<-- "/etc/hostname" ==mark== :material-alert: '
    '{: onclick="alert(8)" } <div markdown="1">raw</div> &#106;avascript:alert(11).\n'
)
FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>&lt;script&gt;alert(12)&lt;/script&gt; Feed</title>
<item><title>Entry with &lt;b onmouseover=alert(13)&gt;markup&lt;/b&gt; in its title and more words</title>
<link>javascript:alert(9)</link>
<description>&lt;p&gt;A council meeting &lt;a href="javascript:alert(10)"&gt;ran late&lt;/a&gt; on Monday
 &lt;script&gt;alert(14)&lt;/script&gt; as members debated the parking budget for the old town.&lt;/p&gt;</description>
</item></channel></rss>"""
# Unrelated events, so that each evil title names its own story.
UNRELATED = [
    "A goat escaped from the farm show and ate the judges' notes.",
    "The lighthouse keeper retired after forty winters on the rock.",
    "Volcanic ash grounded flights across the southern islands.",
    "Chess players from twelve schools met in the library final.",
    "A rare orchid flowered in the botanical garden greenhouse.",
    "Tax inspectors raided a warehouse full of counterfeit perfume.",
    "Beekeepers reported record honey yields after the warm spring.",
]
EVIL_TITLES = [
    "../../../etc/passwd",
    "/absolute/path/evil",
    "CON",
    "..",
    "index",
    "C:\\Windows\\system32",
    " ".join(["verylongword"] * 200),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory, request):
    root = Path(request.config.rootpath)
    base = tmp_path_factory.mktemp("hostile")
    folder = base / "in"
    folder.mkdir()
    (base / "secret.txt").write_text(
        "TOPSECRET value that must never be included in a page.\n", encoding="utf-8"
    )
    (folder / "hostile.md").write_text(
        "---\n"
        "title: '<script>alert(\"title\")</script> [t](javascript:alert(2)) {{ config.site_name }} # x'\n"
        "outlet: '<img src=x onerror=alert(3)>'\n"
        "author: \"{% include '../secret.txt' %}\"\n"
        "url: 'javascript:alert(4)'\n"
        "---\n" + BODY,
        encoding="utf-8",
    )
    (folder / "feed.rss").write_text(FEED, encoding="utf-8")
    for number, (title, text) in enumerate(zip(EVIL_TITLES, UNRELATED)):
        (folder / f"evil-{number}.jsonl").write_text(
            json.dumps({"id": f"e{number}", "title": title, "text": text}) + "\n", encoding="utf-8"
        )
    out = base / "out"
    # Quote whole articles here (the default quotes at most half of one), so that every
    # hostile line has to reach a page and be shown there as text.
    (base / "settings.yml").write_text(
        "max_article_share: 1.0\nexcerpt_chars: 2000\n", encoding="utf-8"
    )
    code = run(
        [
            "build",
            "-q",
            "--input",
            str(folder),
            "--out",
            str(out),
            "--topics",
            str(base / "none"),
            "--settings",
            str(base / "settings.yml"),
            "--templates",
            str(root / "site_templates"),
            "--mkdocs",
            str(root / "mkdocs.yml"),
            "--site-dir",
            str(out / "site"),
        ]
    )
    assert code == 0
    mkdocs_build(out)
    return out


def _pages(site):
    return {
        p.relative_to(site / "site").as_posix(): lxml.html.parse(str(p)).getroot()
        for p in (site / "site").rglob("*.html")
    }


def test_no_script_handler_or_javascript_link_from_an_article(site):
    for name, page in _pages(site).items():
        for script in page.iter("script"):
            assert "alert" not in (script.text or "") + script.get("src", ""), name
        for element in page.iter():
            if not isinstance(element.tag, str):
                continue
            for attribute, value in element.attrib.items():
                assert not attribute.lower().startswith("on") or "alert" not in value, (
                    name,
                    element.tag,
                )
                if attribute.lower() in ("href", "src", "action", "formaction"):
                    assert not re.match(r"\s*(javascript|data|vbscript):", value, re.I), (
                        name,
                        value,
                    )
        assert page.find(".//img[@onerror]") is None


def test_hostile_text_reaches_the_page_as_literal_text(site):
    story = next(
        p
        for n, p in _pages(site).items()
        if n.startswith("stories/") and "Officials said" in p.text_content()
    )
    text = " ".join(story.text_content().split())
    for literal in [
        '<script>alert("body")</script>',
        "<img src=x onerror=alert(5)>",
        "[click](javascript:alert(6))",
        "{{ config }}",
        "{% include '../secret.txt' %}",
        "# Not a heading | a | b |",
        '!!! warning "x"',
        '--8<-- "/etc/hostname"',
        "==mark==",
        ":material-alert:",
        '{: onclick="alert(8)" }',
        '<div markdown="1">raw</div>',
        "&#106;avascript:alert(11)",
        '<script>alert("title")</script> [t](javascript:alert(2)) {{ config.site_name }} # x',
        "<img src=x onerror=alert(3)>",
    ]:
        assert literal in text, literal
    assert story.find(".//table") is None and story.find(".//mark") is None
    assert len(story.findall(".//h1")) == 1  # the story title only; no heading made by the article


def test_nothing_is_included_from_files_or_templates(site):
    for name, page in _pages(site).items():
        text = page.text_content()
        assert "TOPSECRET" not in text, name
        assert "News digest [t]" not in text  # {{ config.site_name }} was never evaluated


def test_feed_markup_is_text_and_its_javascript_link_is_dropped(site, tmp_path):
    markdown = "\n".join(p.read_text(encoding="utf-8") for p in (site / "docs").rglob("*.md"))
    assert "javascript:alert(9)" not in markdown and "javascript:alert(10)" not in markdown
    assert "alert(14)" not in markdown  # feedparser drops scripts from entry HTML
    assert (
        "Entry with &lt;b onmouseover=alert\\(13\\)&gt;markup" not in markdown
    )  # markup in titles is removed
    assert "Entry with markup in its title" in markdown


def test_file_names_from_titles_stay_inside_the_output(site):
    docs = (site / "docs").resolve()
    for path in docs.rglob("*"):
        assert path.resolve().is_relative_to(docs)
    stories = sorted(p.name for p in (docs / "stories").iterdir())
    for name in stories:
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]{0,70}\.md", name), name
        assert name[:-3] not in ("con", "index", "nul")
    assert not (site / "etc").exists() and not Path("/absolute/path/evil.md").exists()
    assert {"con-story.md", "index-story.md"} <= set(stories)


def test_site_config_enables_nothing_that_article_text_could_use_to_include_files_or_run_code(root):
    import yaml

    class AnyTag(yaml.SafeLoader):
        pass

    AnyTag.add_multi_constructor("", lambda loader, suffix, node: None)  # !!python/name: etc.
    config = yaml.load((root / "mkdocs.yml").read_text(encoding="utf-8"), Loader=AnyTag)
    names = [
        next(iter(e)) if isinstance(e, dict) else e for e in config.get("markdown_extensions", [])
    ]
    names += [next(iter(p)) if isinstance(p, dict) else p for p in config.get("plugins", [])]
    # Each of these reads files, runs code or evaluates templates named in page text.
    forbidden = {
        "pymdownx.snippets",
        "markdown_include.include",
        "macros",
        "mkdocs-macros",
        "exec",
        "markdown-exec",
        "include-markdown",
        "mkdocs-include-markdown-plugin",
    }
    assert not forbidden & set(names), forbidden & set(names)
