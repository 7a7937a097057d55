"""Every string an editor supplies (topic names and descriptions, tags, navigation titles,
retitles in overrides, the site's name) is shown as text wherever it reaches HTML."""

import shutil
from pathlib import Path

import lxml.html
import pytest

from newsdigest.cli import run

EVIL = "<img src=x onerror=alert({})>"
ROOT = Path(__file__).resolve().parents[2]
STORY = "interim-syrian-president-ahmad-al-shareh-said-in-moscow-that"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("editor")
    shutil.copytree(ROOT / "seeds", base / "in")
    topics = base / "topics"
    topics.mkdir()
    (topics / "ferries.yml").write_text(
        f'name: "{EVIL.format(1)} Ferries"\n'
        f'description: "{EVIL.format(2)} and <script>alert(3)</script>"\n'
        "match:\n  any: [Russia, Syria]\n",
        "utf-8",
    )
    (topics / "overrides.yml").write_text(
        f'retitle:\n  {STORY}: "{EVIL.format(4)} Retitled"\n', "utf-8"
    )
    config = (ROOT / "mkdocs.yml").read_text("utf-8")
    config = config.replace("site_name: News digest", f'site_name: "{EVIL.format(5)} Digest"')
    config = config.replace("custom_dir: overrides", f"custom_dir: {ROOT / 'overrides'}")
    assert EVIL.format(5) in config
    (base / "mkdocs.yml").write_text(config, "utf-8")
    out = base / "out"
    options = ["--topics", str(topics), "--mkdocs", str(base / "mkdocs.yml"), "--no-cache"]
    options += ["--templates", str(ROOT / "site_templates"), "--site-dir", str(base / "site")]
    code = run(["build", "-q", "--site", "--input", str(base / "in"), "--out", str(out), *options])
    assert code == 0
    return base / "site"


def _pages(site: Path) -> dict[str, lxml.html.HtmlElement]:
    return {
        p.relative_to(site).as_posix(): lxml.html.parse(str(p)).getroot()
        for p in site.rglob("*.html")
    }


def test_no_editor_string_becomes_a_live_element(site):
    pages = _pages(site)
    assert {
        "index.html",
        "tags/index.html",
        "topics/index.html",
        f"stories/{STORY}/index.html",
    } <= set(pages)
    for name, page in pages.items():
        assert page.find(".//img[@onerror]") is None, name
        for script in page.iter("script"):
            assert "alert" not in (script.text or ""), name


def test_editor_strings_are_shown_as_text(site):
    pages = _pages(site)
    story = " ".join(pages[f"stories/{STORY}/index.html"].text_content().split())
    assert f"{EVIL.format(4)} Retitled" in story  # the retitle, as its headline
    assert f"{EVIL.format(1)} Ferries" in story  # the topic, as a tag
    assert f"{EVIL.format(5)} Digest" in story  # the site's name, in the header
    tags = " ".join(pages["tags/index.html"].text_content().split())
    assert f"{EVIL.format(1)} Ferries" in tags
    (topic,) = [n for n in pages if n.startswith("topics/") and "ferries" in n]
    text = " ".join(pages[topic].text_content().split())
    assert f"{EVIL.format(2)} and <script>alert(3)</script>" in text
    assert pages["index.html"].findtext(".//title") == f"{EVIL.format(5)} Digest"


def test_feeds_carry_editor_strings_as_text(site):
    from lxml import etree

    feeds = sorted(site.glob("feed*.xml"))
    assert any("ferries" in f.name for f in feeds)
    for feed in feeds:
        tree = etree.parse(str(feed))
        assert not [e for e in tree.iter() if isinstance(e.tag, str) and e.tag.endswith("img")]
        text = " ".join(tree.getroot().itertext())
        if "ferries" in feed.name:
            assert f"{EVIL.format(1)} Ferries" in text, feed.name
