"""The built site in a real browser: search, navigation, article links, feeds, links."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlparse

import pytest

from .conftest import FIXTURE, SCREENSHOTS

pytestmark = pytest.mark.e2e

ATOM = "{http://www.w3.org/2005/Atom}"


def search(page, base: str, query: str):
    """Type into Material's search box and wait for its results."""
    page.goto(base)
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially(query, delay=20)
    # Results update as one types: wait until they mark the last word typed.
    # (Material's search splits words at spaces and hyphens: "al-Shareh" marks "Shareh".)
    last = re.split(r"[\s-]+", query)[-1]
    page.locator(
        ".md-search-result mark", has_text=re.compile(re.escape(last), re.I)
    ).first.wait_for(timeout=15_000)
    return page.locator(".md-search-result__item")


@pytest.mark.parametrize(
    ("query", "title"),
    [("Wielgus", "Tomasz Wielgus wins Varna chess open"), ("Rafael Osei", "Aldwick")],
)
def test_search_finds_a_story_by_a_name_in_it(page, fixture_site, query, title):
    base, _ = fixture_site
    results = search(page, base, query)
    story = results.filter(has_text=title).first
    story.wait_for()
    story.locator("a:has(mark)").first.click()
    # wait for the navigation itself: load_state alone can still see the page before it
    page.wait_for_url(re.compile(r"/digest/stories/"))
    assert title in page.locator("h1").inner_text()
    # search.highlight marks the word on the page it opens
    # (Material's script adds the marks after the page loads: wait for them.)
    page.locator("article mark").filter(
        has_text=re.compile(query.split()[0], re.I)
    ).first.wait_for()


def test_search_on_the_seeds_finds_both_spellings(page, seeds_site):
    base, _ = seeds_site
    for name in ("al-Shareh", "al-Sharaa", "Kremlin"):
        results = search(page, base, name)
        story = results.filter(has=page.locator("a[href*='stories/interim-syrian-president']"))
        story.first.wait_for()  # fails after the timeout if the story is not among the results


def test_home_to_topic_to_story(page, fixture_site):
    base, _ = fixture_site
    page.goto(base)
    assert page.locator("h1").inner_text() == "Digest for 2026-03-03"
    page.screenshot(path=str(SCREENSHOTS / "home.png"), full_page=False)
    page.locator("article a", has_text="Infrastructure").first.click()
    page.wait_for_url(re.compile(r"/digest/topics/infrastructure/$"))
    assert page.locator("h1").inner_text() == "Infrastructure"
    page.locator("article h2 a", has_text="Aldwick harbour bridge").click()
    page.wait_for_url(
        re.compile(r"/digest/stories/aldwick-harbour-bridge-closed-after-cracks-found-in-main/$")
    )
    assert (
        page.locator("h1").inner_text()
        == "Aldwick harbour bridge closed after cracks found in main span"
    )
    assert page.locator("h2", has_text="Key quotes").count() == 1
    page.screenshot(path=str(SCREENSHOTS / "story.png"), full_page=True)
    assert page.get_attribute("html", "lang") == "en"
    assert not page.errors


def test_article_links_point_at_their_urls(page, fixture_site):
    base, _ = fixture_site
    page.goto(base + "stories/aldwick-harbour-bridge-closed-after-cracks-found-in-main/")
    links = page.locator("a", has_text="Read the article")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    expected = []
    for name in ("bridge-herald.md", "bridge-ledger.md", "bridge-wire.md"):
        text = (FIXTURE / "articles" / name).read_text(encoding="utf-8")
        expected.append(re.search(r"^url: (\S+)$", text, re.M).group(1))
    assert hrefs == expected
    # a summary sentence's attribution links the article it was taken from
    summary = page.locator("h2:has-text('Summary') ~ ul").first
    assert summary.locator(f"a[href='{expected[0]}']").count() >= 1
    # an in-page link to a coverage entry lands on it
    page.locator("a[href='#article-3']").first.click()
    assert page.locator("#article-3").is_visible()


def test_url_less_and_undated_seeds_render_without_broken_links(page, seeds_site):
    base, _ = seeds_site
    page.goto(base)
    page.locator("article h2 a").first.click()
    page.wait_for_url(re.compile(r"/stories/"))
    body = page.locator("article").inner_text()
    assert "1 from an unknown outlet" in body and "None" not in body
    page.screenshot(path=str(SCREENSHOTS / "seeds-story.png"), full_page=True)
    for href in [a.get_attribute("href") for a in page.locator("article a").all()]:
        assert href and not href.startswith("javascript:") and href != "None", href


def test_feeds_are_valid_xml_linked_from_the_head_and_list_the_stories(page, fixture_site):
    base, site = fixture_site
    page.goto(base)
    head = {
        link.get_attribute("type"): link.get_attribute("href")
        for link in page.locator("head link[rel='alternate']").all()
    }
    assert set(head) >= {"application/atom+xml", "application/rss+xml", "application/feed+json"}
    stories = {h1.strip() for h1 in _story_titles(site)}
    atom = ET.fromstring(_get(urljoin(page.url, head["application/atom+xml"])))
    assert {e.findtext(f"{ATOM}title") for e in atom.iter(f"{ATOM}entry")} == stories
    rss = ET.fromstring(_get(urljoin(page.url, head["application/rss+xml"])))
    assert {i.findtext("title") for i in rss.iter("item")} == stories
    for entry in atom.iter(f"{ATOM}entry"):  # each entry links a story page that exists
        link = entry.find(f"{ATOM}link").get("href")
        assert link.startswith("https://news.example/digest/stories/")
        _get(urljoin(base, link.removeprefix("https://news.example/digest/")))


def test_no_request_leaves_the_machine(page, fixture_site):
    base, _ = fixture_site
    for path in (
        "",
        "stories/aldwick-harbour-bridge-closed-after-cracks-found-in-main/",
        "archive/",
    ):
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
    hosts = {urlparse(url).hostname for url in page.requests if not url.startswith("data:")}
    assert hosts == {"127.0.0.1"}, hosts
    assert not page.failed and not page.errors, (page.failed, page.errors)


@pytest.mark.parametrize("which", ["seeds_site", "fixture_site"])
def test_no_page_has_a_broken_internal_link(request, which):
    base, site = request.getfixturevalue(which)
    pages = sorted(site.rglob("*.html"))
    checked: set[str] = set()
    broken = []
    for file in pages:
        url = base + file.relative_to(site).as_posix().removesuffix("index.html")
        parser = _Links()
        parser.feed(file.read_text(encoding="utf-8"))
        for ref in parser.links:
            target = urljoin(url, ref)
            if not target.startswith(base):
                continue  # an outlet's article, or the canonical URL on the published host
            address, fragment = urldefrag(target)
            key = target
            if key in checked:
                continue
            checked.add(key)
            try:
                body = _get(address)
            except urllib.error.HTTPError as error:
                broken.append(f"{file.relative_to(site)}: {ref} -> {error.code}")
                continue
            if (
                fragment
                and address.endswith("/")
                and f'id="{fragment}"' not in body.decode("utf-8", "replace")
            ):
                broken.append(f"{file.relative_to(site)}: {ref} -> no #{fragment}")
    assert len(pages) > 5 and len(checked) > 20
    assert not broken, "\n".join(broken)


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        ref = (
            attrs.get("href")
            if tag in ("a", "link")
            else attrs.get("src")
            if tag in ("script", "img")
            else None
        )
        if (
            ref
            and not ref.startswith(("mailto:", "data:", "javascript:"))
            and attrs.get("rel") not in ("canonical",)
        ):
            self.links.append(ref)


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def _story_titles(site: Path) -> list[str]:
    titles = []
    for page in (site / "stories").glob("*/index.html"):
        match = re.search(r"<h1[^>]*>(.*?)</h1>", page.read_text(encoding="utf-8"), re.S)
        titles.append(re.sub(r"<[^>]+>", "", match.group(1)).replace("&#39;", "'"))
    return titles


def test_404_page_works_from_the_sub_path(page, fixture_site):
    base, _ = fixture_site
    page.goto(base + "404.html")
    page.wait_for_load_state("networkidle")
    assert "404" in page.locator("h1").inner_text()
    assert page.locator("link[rel='stylesheet']").count() >= 1
    assert not page.failed, page.failed
    # its assets and home link resolve under /digest/, where site_url says the site lives
    assert all("/digest/" in url for url in page.requests if url.startswith("http://127.0.0.1"))
    page.locator("a.md-header__button.md-logo").click()
    page.wait_for_url(base)
    assert page.locator("h1").inner_text() == "Digest for 2026-03-03"
