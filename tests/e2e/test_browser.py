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
    """Type into the header's search box (Pagefind's, partials/pagefind.html) and wait for
    its results: the result list, once it answers the whole query."""
    page.goto(base)
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially(query, delay=20)
    return results_for(page, query)


def results_for(page, query: str):
    page.wait_for_function(
        "q => { const r = document.querySelector('.md-search-result__list');"
        " return r && r.dataset.query === q && r.children.length > 0; }",
        arg=query,
        timeout=15_000,
    )
    return page.locator(".md-search-result__item")


def hrefs(results) -> list[str]:
    return [
        link.get_attribute("href") for link in results.locator("a.md-search-result__link").all()
    ]


@pytest.mark.parametrize(
    ("query", "title"),
    [("Wielgus", "Tomasz Wielgus wins Varna chess open"), ("Elena Marsh", "Aldwick")],
)
def test_search_finds_a_story_by_a_name_in_it(page, fixture_site, query, title):
    base, _ = fixture_site
    results = search(page, base, query)
    story = results.filter(has_text=title).first
    # a result: the headline, the first summary sentence with the words marked, the date
    assert story.locator("h1").inner_text().startswith(title)
    assert story.locator("p mark").first.inner_text().lower() == query.split()[0].lower()
    assert re.fullmatch(r"2026-03-0\d", story.locator(".nd-search-result__facts").inner_text())
    story.locator("a").click()
    # wait for the navigation itself: load_state alone can still see the page before it
    page.wait_for_url(re.compile(r"/digest/stories/"))
    assert title in page.locator("h1").inner_text()
    # search.highlight: the page it opens marks the words searched for
    page.locator("article mark").filter(
        has_text=re.compile(query.split()[0], re.I)
    ).first.wait_for()
    assert not page.errors


@pytest.mark.parametrize("query", ["al-Shareh", "al-Sharaa", "Shar", "Kreml", "Kremlin"])
def test_search_on_the_seeds_finds_both_spellings_and_prefixes(page, seeds_site, query):
    base, _ = seeds_site
    results = search(page, base, query)
    assert any("stories/interim-syrian-president" in href for href in hrefs(results)), hrefs(
        results
    )


def test_a_word_only_one_summary_holds_finds_that_story_first(page, fixture_site):
    base, _ = fixture_site
    results = search(page, base, "cider")  # only the Brenholt story's summary has it
    assert (
        hrefs(results)[0]
        == "/digest/stories/brenholt-orchard-festival-draws-record-crowds/?h=cider"
    )
    assert results.first.locator(".nd-search-result__excerpt mark", has_text="cider").count() == 1


@pytest.mark.parametrize(
    "query", ["stories", "Undated", "Aldwick harbour bridge", "Northern Wire", "Tags"]
)
def test_a_listing_page_is_never_a_hit(page, fixture_site, query):
    """Home, archive days, tags and the indexes list stories (and say "stories"): only
    story, topic and outlet pages are results, each its own kind."""
    base, _ = fixture_site
    page.goto(base)
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially(query, delay=20)
    page.wait_for_function(
        "q => document.querySelector('.md-search-result__list').dataset.query === q",
        arg=query,
        timeout=15_000,
    )
    results = page.locator(".md-search-result__item")
    for href, kind in zip(
        hrefs(results), [item.get_attribute("data-kind") for item in results.all()]
    ):
        path = href.split("?")[0]
        assert re.fullmatch(r"/digest/(stories|topics|outlets)/[^/]+/", path), href
        assert (
            kind == {"stories": "story", "topics": "topic", "outlets": "outlet"}[path.split("/")[2]]
        )
    if query == "Northern Wire":  # an outlet's page is a result of its own kind
        assert results.first.get_attribute("data-kind") == "outlet"
        assert (
            results.first.locator(".nd-search-result__facts").inner_text().startswith("Outlet · ")
        )


def test_keyboard_alone_reaches_the_story(page, fixture_site):
    base, _ = fixture_site
    page.goto(base)
    for _ in range(20):  # Tab from the top of the page to the search box
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('md-search__input')"):
            break
    else:
        pytest.fail("Tab never reached the search box")
    page.keyboard.type("Lindqvist", delay=20)
    results_for(page, "Lindqvist")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.closest('.md-search-result__item') !== null")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/digest/stories/ostmark-central-bank-holds-interest-rate"))
    # and "/" opens the box from anywhere on a page; Escape closes it
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.classList.contains('md-search__input')")
    page.keyboard.press("Escape")
    assert not page.locator("#__search").is_checked()


def test_filters_and_newest_first(page, fixture_site):
    base, _ = fixture_site
    results = search(page, base, "the")
    everything = hrefs(results)
    page.locator(".nd-search__filters summary").click()
    outlet = page.locator("select[data-nd-filter=outlet]")
    page.wait_for_function(
        "document.querySelectorAll('select[data-nd-filter=outlet] option').length > 1"
    )
    outlet.select_option("Northern Wire")
    results_for(page, "the|outlet=Northern Wire")
    filtered = hrefs(results)
    assert filtered and set(filtered) != set(everything)
    assert all(item.get_attribute("data-kind") == "story" for item in results.all())
    assert not [
        href for href in filtered if "tomasz-wielgus" in href
    ]  # Northern Wire did not cover it
    outlet.select_option("")
    page.locator("select[name=sort]").select_option("date")
    results_for(page, "the|sort=date")
    dates = [item.inner_text() for item in results.locator(".nd-search-result__facts").all()]
    assert (
        dates == sorted(dates, reverse=True) and len(dates) == 4
    )  # the four stories, newest first


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_search_on_a_phone_in_both_colour_schemes(browser, fixture_site, scheme):
    base, _ = fixture_site
    context = browser.new_context(
        viewport={"width": 390, "height": 800},
        is_mobile=True,
        has_touch=True,
        color_scheme=scheme,
        locale="en-GB",
    )
    try:
        page = context.new_page()
        page.goto(base)
        assert page.get_attribute("body", "data-md-color-scheme") == (
            "slate" if scheme == "dark" else "default"
        )
        page.locator("label.md-header__button[for=__search]").tap()
        box = page.locator("input.md-search__input")
        page.wait_for_function("document.activeElement.classList.contains('md-search__input')")
        box.press_sequentially("Aldwick", delay=20)
        results = results_for(page, "Aldwick")
        first = results.first.bounding_box()
        assert box.is_visible() and first and first["x"] >= 0 and first["x"] + first["width"] <= 390
        page.screenshot(path=str(SCREENSHOTS / f"search-phone-{scheme}.png"))
        results.first.locator("a").tap()
        page.wait_for_url(re.compile(r"/digest/stories/aldwick"))
    finally:
        context.close()


def test_search_loads_nothing_until_used_and_nothing_from_elsewhere(page, fixture_site):
    base, _ = fixture_site
    page.goto(base)
    page.wait_for_load_state("networkidle")
    assert not [url for url in page.requests if "/pagefind/" in url]  # idle: no search bytes
    results = search(page, base, "bridge")
    page.screenshot(path=str(SCREENSHOTS / "search.png"))
    assert hrefs(results)
    searched = [url for url in page.requests if "/pagefind/" in url]
    # the engine, the index chunks and the fragments, all from the site's own /digest/pagefind/
    assert any(url.endswith("/digest/pagefind/pagefind.js") for url in searched)
    assert any(".pf_index" in url for url in searched) and any(
        ".pf_fragment" in url for url in searched
    )
    assert all(url.startswith(base + "pagefind/") for url in searched), searched
    hosts = {urlparse(url).hostname for url in page.requests if not url.startswith("data:")}
    assert hosts == {"127.0.0.1"}, hosts
    assert not page.failed and not page.errors, (page.failed, page.errors)


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
    # (the summary's list sits in the region Pagefind indexes, data-pagefind-body)
    summary = page.locator("h2:has-text('Summary') ~ div[data-pagefind-body] > ul").first
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
