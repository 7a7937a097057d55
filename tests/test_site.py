"""The published site on the fixture corpus (tests/fixtures/site): pages, wording,
attribution, archive, feeds and publishing settings. Browser tests are in tests/e2e."""

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest

from helpers import document, mkdocs_build
from newsdigest.cli import run
from newsdigest.model import Article
from newsdigest.quotes import find_quotes, key_quotes
from newsdigest.render.markup import coverage_phrase, excerpt

FIXTURE = Path(__file__).parent / "fixtures" / "site"
ATOM = "{http://www.w3.org/2005/Atom}"


def build(
    root: Path,
    out: Path,
    *extra: str,
    mkdocs: Path | None = None,
    articles: Path = FIXTURE / "articles",
    topics: Path = FIXTURE / "topics",
) -> Path:
    code = run(
        [
            "build",
            "-q",
            "--input",
            str(articles),
            "--out",
            str(out),
            "--topics",
            str(topics),
            "--templates",
            str(root / "site_templates"),
            "--mkdocs",
            str(mkdocs or root / "mkdocs.yml"),
            "--site-dir",
            str(out / "site"),
            *extra,
        ]
    )
    assert code == 0
    return out / "docs"


@pytest.fixture(scope="module")
def docs(tmp_path_factory, request):
    return build(Path(request.config.rootpath), tmp_path_factory.mktemp("site"))


def story_page(docs: Path, word: str) -> str:
    return next(p for p in (docs / "stories").glob("*.md") if word in p.name).read_text(
        encoding="utf-8"
    )


def test_home_is_today_top_stories_by_outlets_then_recency(docs):
    home = (docs / "index.md").read_text(encoding="utf-8")
    assert "# Digest for 2026-03-03" in home  # the newest article's day, not the wall clock
    bridge, chess = home.index("Aldwick harbour bridge"), home.index("Wielgus")
    assert bridge < chess  # three outlets before two
    assert (
        "3 articles from 3 outlets" in home and "[Infrastructure](topics/infrastructure.md)" in home
    )
    assert '<time datetime="2026-03-03T09:00:00+00:00">2026-03-03 09:00 UTC</time>' in home
    # home_days=2: the 1 March and 20 February stories are older than yesterday
    assert "Ostmark" not in home and "Brenholt" not in home


def test_every_summary_sentence_names_and_links_its_outlet(docs):
    page = story_page(docs, "aldwick")
    summary = page.split("## Summary")[1].split("\n## ")[0]
    items = [line for line in summary.splitlines() if line.startswith("- ")]
    assert len(items) == 4
    for item in items:
        assert (
            "— [Coastal Herald](https://coastal-herald.example/" in item
            or "— [Northern Wire](https://northernwire.example/" in item
            or "— [Daily Ledger](https://dailyledger.example/" in item
        ), item


def test_story_page_sections(docs):
    page = story_page(docs, "aldwick")
    assert "**First reported by** [Coastal Herald](#article-1)" in page
    assert "- **2026-03-02**: [Coastal Herald](#article-1), [Daily Ledger](#article-2)" in page
    # The mayor's words are in the summary: not a key quote again (each sentence once).
    summary = page.split("## Summary")[1].split("\n## ")[0]
    quotes = page.split("## Key quotes")[1].split("\n## ")[0]
    assert "We will not reopen the Aldwick bridge" in summary
    assert "We will not reopen the Aldwick bridge" not in quotes
    assert "— Rafael Osei, as quoted by [Northern Wire]" in quotes
    adds = page.split("## What each outlet adds")[1].split("\n## ")[0]
    assert "The city council will hold an emergency meeting" in adds  # only Northern Wire has it
    assert (
        "[Read the article](https://dailyledger.example/2026/03/02/aldwick-harbour-bridge)" in page
    )
    assert "{: #article-3 }" in page and "Aldwick" in page.split("## Key terms")[1]
    # A story on one day has no timeline.
    assert "## Timeline" not in story_page(docs, "wielgus")


def test_archive_outlets_and_url_less_article(docs):
    archive = (docs / "archive" / "index.md").read_text(encoding="utf-8")
    assert archive.index("2026-03-03") < archive.index("2026-02-20")
    assert "Brenholt" in (docs / "archive" / "2026-02-20.md").read_text(encoding="utf-8")
    wire = (docs / "outlets" / "northern-wire.md").read_text(encoding="utf-8")
    assert wire.count("](../stories/") == 3
    bank = story_page(docs, "ostmark")
    assert "no link known" in bank and "](#article-1)" in bank and "](None)" not in bank


def test_coverage_wording_does_not_count_unknown_outlets_as_known():
    one = Article(id="a", text="x", origin="a", source="Al Jazeera")
    unknown = Article(id="b", text="x", origin="b")
    assert (
        coverage_phrase([one, unknown]) == "2 articles: 1 from Al Jazeera, 1 from an unknown outlet"
    )
    assert coverage_phrase([one]) == "1 article from Al Jazeera"
    assert coverage_phrase([unknown, unknown]) == "2 articles, outlet unknown"
    other = Article(id="c", text="x", origin="c", source="Reuters")
    assert coverage_phrase([one, other, one]) == "3 articles from 2 outlets"


def test_seed_story_wording(root, tmp_path):
    page = next(
        (build(root, tmp_path, articles=root / "seeds", topics=root / "topics") / "stories").glob(
            "*.md"
        )
    )
    text = page.read_text(encoding="utf-8")
    assert "2 articles from Al Jazeera" not in text
    assert "2 articles: 1 from Al Jazeera, 1 from an unknown outlet" in text


def test_quotes_get_the_speaker_only_when_the_text_names_one():
    doc = document(
        '"We will rebuild the old bridge before the winter comes," Mayor Elena Marsh said. '
        'Later she spoke again. "The money for the bridge is already in the city budget," she said. '
        'His coach Irina Baltes said: "He plays with the calm of a player twice his age."'
    )
    quotes = find_quotes(doc)
    # the title is no part of the name
    assert [q.speaker for q in quotes] == ["Elena Marsh", None, "Irina Baltes"]
    assert quotes[0].text == "We will rebuild the old bridge before the winter comes"
    assert key_quotes([doc], 2)[1].speaker == "Irina Baltes"  # named speakers first
    run_on = document(
        '"Losses from storms rose again in the last year," said Swiss Re. Tightly written '
        'rules followed. "We expect the rules to change within the next two years," Dr. Ames said.'
    )
    assert [q.speaker for q in find_quotes(run_on)] == ["Swiss Re", "Dr. Ames"]


def test_excerpts_are_bounded():
    long = "word " * 200
    cut = excerpt(long, 100)
    assert len(cut) <= 100 and cut.endswith("…")
    assert excerpt("short sentence.", 100) == "short sentence."


def test_feeds_are_valid_and_list_the_stories(docs):
    atom = ET.parse(docs / "feed.atom.xml").getroot()
    titles = [e.findtext(f"{ATOM}title") for e in atom.iter(f"{ATOM}entry")]
    assert titles[0].startswith("Tomasz Wielgus")  # newest first
    assert len(titles) == 4 and any("Aldwick" in t for t in titles)
    rss = feedparser.parse((docs / "feed.rss.xml").read_bytes())
    assert not rss.bozo and len(rss.entries) == 4
    bank = next(e for e in rss.entries if "Ostmark" in e.title)
    assert bank.link == "stories/ostmark-central-bank-holds-interest-rate-at-3-5-percent/"
    assert bank.published_parsed[:3] == (2026, 3, 1)
    topic = feedparser.parse((docs / "feed-infrastructure.atom.xml").read_bytes())
    assert [e.title for e in topic.entries] == [
        "Aldwick harbour bridge closed after cracks found in main span"
    ]
    feed = json.loads((docs / "feed.json").read_text(encoding="utf-8"))
    assert feed["version"] == "https://jsonfeed.org/version/1.1" and len(feed["items"]) == 4
    assert {"name": "Coastal Herald"} in feed["items"][0]["authors"]


def test_undated_stories_get_a_stable_feed_date(root, tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = build(root, tmp_path / "a", articles=root / "seeds", topics=root / "topics")
    second = build(root, tmp_path / "b", articles=root / "seeds", topics=root / "topics")
    data = (first / "feed.rss.xml").read_bytes()
    assert data == (second / "feed.rss.xml").read_bytes()
    assert feedparser.parse(data).entries[0].published_parsed[:3] == (1970, 1, 1)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1760486400")  # 2025-10-15
    dated = build(root, tmp_path / "c", articles=root / "seeds", topics=root / "topics")
    assert feedparser.parse((dated / "feed.atom.xml").read_bytes()).entries[0].updated_parsed[
        :3
    ] == (2025, 10, 15)
    assert "# Digest for 2025-10-15" in (dated / "index.md").read_text(encoding="utf-8")


def test_settings_time_zone_and_retention(root, tmp_path):
    settings = tmp_path / "newsdigest.yml"
    settings.write_text(
        "timezone: Pacific/Auckland\nretention_days: 5\nhome_days: 1\n", encoding="utf-8"
    )
    docs = build(root, tmp_path / "out", "--settings", str(settings))
    home = (docs / "index.md").read_text(encoding="utf-8")
    assert "# Digest for 2026-03-04" in home  # 20:05 UTC on 3 March is 4 March in Auckland
    assert "Wielgus" in home and "Aldwick" not in home
    assert not (docs / "archive" / "2026-02-20.md").exists()  # the festival is past retention
    assert "Brenholt" not in (docs / "archive" / "index.md").read_text(encoding="utf-8")
    assert (docs / "archive" / "2026-03-04.md").exists()


def test_bad_setting_names_file_line_and_key(root, tmp_path):
    settings = tmp_path / "newsdigest.yml"
    settings.write_text("home_days: 2\nretention_dayz: 3\n", encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "newsdigest",
            "check",
            "--settings",
            str(settings),
            "--topics",
            str(FIXTURE / "topics"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 3
    assert (
        f"{settings.as_posix()}:2: retention_dayz:" in result.stderr
        and "retention_days" in result.stderr
    )


def test_site_url_gives_canonical_sitemap_feeds_and_head_links(root, tmp_path):
    mkdocs = tmp_path / "mkdocs.yml"
    mkdocs.write_text(
        (root / "mkdocs.yml")
        .read_text(encoding="utf-8")
        .replace(
            "site_name: News digest",
            "site_name: News digest\nsite_url: https://news.example/digest/",
        )
        .replace("custom_dir: overrides", f"custom_dir: {root / 'overrides'}"),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    docs = build(root, out, mkdocs=mkdocs)
    mkdocs_build(out)
    site = out / "site"
    story = next((site / "stories").glob("aldwick*/index.html")).read_text(encoding="utf-8")
    canonical = (
        "https://news.example/digest/stories/"
        "aldwick-harbour-bridge-closed-after-cracks-found-in-main/"
    )
    assert f'<link rel="canonical" href="{canonical}">' in story
    assert f'<meta property="og:url" content="{canonical}">' in story
    assert '<meta property="og:type" content="article">' in story
    assert (
        'type="application/atom+xml" title="News digest (Atom)" href="../../feed.atom.xml"' in story
    )
    assert '<html lang="en"' in story
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert canonical in sitemap and "https://news.example/digest/archive/2026-02-20/" in sitemap
    assert (site / "404.html").exists()
    entry = feedparser.parse((docs / "feed.atom.xml").read_bytes()).entries[-1]
    assert entry.link.startswith("https://news.example/digest/stories/")
    topic = (site / "topics" / "infrastructure" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../feed-infrastructure.rss.xml"' in topic


def test_no_page_asks_a_third_party_host(root, tmp_path):
    out = tmp_path / "out"
    build(root, out)
    mkdocs_build(out)
    external = re.compile(
        r'<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)="(https?:)?//', re.IGNORECASE
    )
    for page in (out / "site").rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        links = [m.group(0) for m in external.finditer(text)]
        assert not links, (page, links)
    css = " ".join(p.read_text(encoding="utf-8") for p in (out / "site" / "assets").rglob("*.css"))
    assert "fonts.googleapis" not in css and "@import url(http" not in css


def test_nav_stays_bounded(root, tmp_path):
    out = tmp_path / "out"
    build(root, out)
    config = (out / "mkdocs.yml").read_text(encoding="utf-8")
    assert "stories/" not in config.split("not_in_nav")[0]
    assert "outlets/northern-wire" not in config and "archive/2026" not in config
    assert (out / "docs" / "archive" / "2026-03-03.md").exists()


def test_settings_file_documents_every_key_with_its_default(root):
    from newsdigest.settings import Settings

    text = (root / "newsdigest.yml").read_text(encoding="utf-8")
    for name, field in Settings.model_fields.items():
        assert f"# {name}: {field.default}\n" in text, name
        assert f"# {field.description}\n# {name}:" in text, name


def test_article_markup_never_reaches_the_page_head_or_body(root, tmp_path):
    articles = tmp_path / "in"
    articles.mkdir()
    (articles / "a.md").write_text(
        "---\ntitle: 'Bridge \"closed\" <script>alert(1)</script>'\nsource: <b>Herald</b>\n"
        "date: 2026-03-02\n---\n"
        "The <img src=x onerror=alert(1)> bridge was closed to all traffic on Monday after cracks were found. "
        '"We will not reopen the bridge until every crack has been repaired," Mayor Elena Marsh said.\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    build(root, out, articles=articles)
    mkdocs_build(out)
    for page in (out / "site").rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert (
            "<script>alert" not in html and "<img src=x" not in html and "<b>Herald" not in html
        ), page
        assert 'href="javascript:' not in html, page
    story = next((out / "site" / "stories").glob("*/index.html")).read_text(encoding="utf-8")
    assert (
        'content="Bridge &#34;closed&#34; &lt;script&gt;' in story
        or 'content="Bridge &quot;closed&quot; &lt;script&gt;' in story
    )


class _Outline(HTMLParser):
    """Headings inside the page's <article>, and <img> tags anywhere."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.headings: list[int] = []
        self.images_without_alt = 0

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            self.depth += 1
        elif self.depth and re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "img" and not dict(attrs).get("alt"):
            self.images_without_alt += 1

    def handle_endtag(self, tag):
        if tag == "article":
            self.depth -= 1


def test_every_page_has_one_h1_no_skipped_heading_level_and_alt_text(root, tmp_path):
    out = tmp_path / "out"
    build(root, out)
    mkdocs_build(out)
    pages = sorted((out / "site").rglob("*.html"))
    assert len(pages) > 15
    for page in pages:
        outline = _Outline()
        outline.feed(page.read_text(encoding="utf-8"))
        assert outline.headings.count(1) == 1 and outline.headings[0] == 1, (page, outline.headings)
        for before, after in zip(outline.headings, outline.headings[1:]):
            assert after <= before + 1, (page, outline.headings)
        assert outline.images_without_alt == 0, page


def test_no_page_quotes_more_than_half_of_an_article(root, tmp_path):
    from newsdigest.pipeline import build_digest
    from newsdigest.render import md_escape
    from newsdigest.settings import Settings

    docs = build(root, tmp_path / "out", articles=root / "seeds", topics=root / "topics")
    digest = build_digest([root / "seeds"], Settings(), root / "topics")
    fixture_docs = build(root, tmp_path / "fixture")
    fixture = build_digest([FIXTURE / "articles"], Settings(), FIXTURE / "topics")
    for folder, source in ((docs, digest), (fixture_docs, fixture)):
        pages = [p.read_text(encoding="utf-8") for p in folder.rglob("*.md")]
        for doc in source.documents.values():
            for page in pages:
                shown = sum(md_escape(s) in page for s in doc.sentences)
                assert shown <= max(1, -(-len(doc.sentences) // 2)), (doc.id, shown)
    # the budget is what keeps short articles from being reprinted whole: 5 sentences, 3 shown
    page = story_page(fixture_docs, "aldwick")
    herald = fixture.documents["bridge-herald"]
    assert sum(md_escape(s) in page for s in herald.sentences) == 3


def test_key_term_spellings_match_whole_words_longest_term_first():
    from newsdigest.highlights import surfaces, surfaces_by_pattern

    text = (
        "The Wales captain Gareth Thomas spoke. WALES   captain gareth said al-Sharaa's team won;\n"
        "Wales\tCaptain was quiet, the Wales captain said. Waleses and swales are not Wales. Al-Sharaa arrived. wales."
    )
    terms = ["wales", "wales captain", "captain gareth", "al-sharaa", "absent term"]
    found = surfaces(terms, text)
    # "Wales" counts only where "Wales captain" does not start (twice), and never
    # inside "Waleses" or "swales"; a term not in the text keeps its own spelling.
    assert found == ["Wales", "Wales captain", "captain Gareth", "Al-Sharaa", "absent term"]
    assert found == surfaces_by_pattern(terms, text)
    # A letter whose lower case is longer shifts positions: the pattern path is taken.
    turkish = "İstanbul mayor İmamoğlu met the Wales captain. Wales captain spoke."
    assert surfaces(["wales captain"], turkish) == ["Wales captain"]
