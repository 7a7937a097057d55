"""Readers for every input kind, on the small samples in tests/fixtures/mixed/ (written for the project)."""

from pathlib import Path

import pytest

from helpers import prepare_documents
from newsdigest.clean import clean_article, guess_language
from newsdigest.dedupe import collapse_duplicates, duplicate_groups
from newsdigest.ingest import ingest
from newsdigest.model import Problem

MIXED = Path(__file__).parent / "fixtures" / "mixed"


@pytest.fixture(scope="module")
def mixed():
    result = ingest([MIXED])
    return {a.origin.split("/", 1)[1]: a for a in result.articles}, result.problems


def test_every_format_in_the_mixed_folder_is_read(mixed):
    articles, problems = mixed
    assert problems == []
    assert sorted(articles) == [
        "briefs.jsonl:1",
        "briefs.jsonl:2",
        "ferry-strike.txt",
        "gazette.rss:entry 1",
        "gazette.rss:entry 2",
        "harbour-bridge.html",
        "library.md",
        "tribune.atom:entry 1",
        "tribune.atom:entry 2",
    ]


def test_html_page_main_text_and_metadata(mixed):
    page = mixed[0]["harbour-bridge.html"]
    assert (page.title, page.source, page.author, page.url) == (
        "Harbour bridge reopens after repairs",
        "The Coastal Courier",
        "Jane Doe",
        "https://courier.example.org/news/harbour-bridge",
    )
    assert page.date.isoformat() == "2025-10-14T08:15:00+02:00"
    assert page.text.startswith("The harbour bridge reopened to traffic on Tuesday")
    assert page.text.endswith("by twenty minutes.")
    for furniture in ("Home", "Most read", "Copyright", "Sport"):
        assert furniture not in page.text, furniture


def test_rss_entry_prefers_full_content_and_keeps_link_date_and_feed_title(mixed):
    fire = mixed[0]["gazette.rss:entry 1"]
    assert (
        fire.source == "Riverside Gazette"
        and fire.title == "Wildfire forces evacuation of hill villages"
    )
    assert fire.url == "https://gazette.example.com/wildfire-hill-villages"
    assert fire.date.isoformat() == "2025-10-14T17:20:00+01:00"
    assert "teaser" not in fire.text
    assert (
        len([line for line in fire.text.split("\n") if line.strip()]) == 4
    )  # one line per paragraph
    market = mixed[0]["gazette.rss:entry 2"]
    assert market.text.startswith(
        "The weekly farmers' market returns"
    )  # the description, markup removed
    assert "<p>" not in market.text


def test_atom_entry_author_summary_and_updated_date(mixed):
    articles = mixed[0]
    assert articles["tribune.atom:entry 1"].author == "Ana Ruiz"
    assert (
        articles["tribune.atom:entry 1"].date.isoformat() == "2025-10-14T18:05:00+01:00"
    )  # published, not updated
    ski = articles["tribune.atom:entry 2"]
    assert ski.source == "Mountain Tribune" and ski.date.isoformat() == "2025-10-12T07:00:00+00:00"
    assert ski.text.startswith("The Pine Ridge ski resort")


def test_feed_entry_ids_are_stable_across_reads(mixed, tmp_path):
    moved = tmp_path / "gazette.rss"
    moved.write_bytes((MIXED / "gazette.rss").read_bytes())
    again = {a.title: a.id for a in ingest([tmp_path]).articles}
    assert (
        again["Wildfire forces evacuation of hill villages"] == mixed[0]["gazette.rss:entry 1"].id
    )


def test_text_with_manifest_and_markdown_with_front_matter(mixed):
    ferry, library = mixed[0]["ferry-strike.txt"], mixed[0]["library.md"]
    assert ferry.date.isoformat() == "2025-10-13T08:40:00+01:00" and ferry.author == "Morag Innes"
    assert (
        library.source == "Valley Herald"
        and library.date.isoformat() == "2025-10-12T00:00:00+00:00"
    )
    assert library.title == "Old mill becomes the town's new library"


def test_language_from_stop_words(mixed):
    articles = {a.origin.split("/", 1)[1]: clean_article(a) for a in mixed[0].values()}
    assert articles["briefs.jsonl:2"].language == "fr"
    assert articles["harbour-bridge.html"].language == "en"
    assert articles["gazette.rss:entry 1"].language == "en-gb"  # the feed says so; that wins
    assert (
        guess_language(
            "Der Stadtrat hat am Dienstag den neuen Haushalt beschlossen, und die Lehrer "
            "begrüßten das zusätzliche Geld für die Schulen, das nach einer langen Debatte "
            "auch für die Renovierung der Turnhalle verwendet wird."
        )
        == "de"
    )
    assert guess_language("Too short to tell.") is None
    assert guess_language("1234 5678 " * 30) is None


def test_syndicated_copy_becomes_one_entry_listing_both_outlets(mixed):
    problems: list[Problem] = []
    documents = collapse_duplicates(prepare_documents(list(mixed[0].values()), problems), problems)
    fire = [d.article for d in documents if "wildfire" in (d.article.url or "")]
    assert len(fire) == 1
    assert fire[0].source == "Riverside Gazette" and fire[0].also_in == ("Mountain Tribune",)
    [merged] = problems
    assert merged.action == "merged" and merged.origin == "mixed/tribune.atom:entry 1"
    assert "same text as mixed/gazette.rss:entry 1" in merged.message


WIRE = (
    "Heavy snow closed the mountain pass on Friday, stranding about 200 drivers overnight. "
    "Rescue teams brought blankets and hot drinks to cars stuck near the summit, police said. "
    "The road authority said snowploughs would work through the night and the pass could reopen "
    "by Saturday afternoon if the weather cleared."
)
REWRITE = (
    "About 200 motorists spent the night in their cars after a blizzard shut the mountain pass "
    "on Friday. Police said rescuers handed out blankets and hot drinks near the summit. "
    "Snowploughs were to work overnight, and officials hoped to reopen the road on Saturday."
)


def test_near_duplicates_but_not_reports_in_other_words():
    edited = (
        "By Staff Reporter\n"
        + WIRE.replace("Friday", "Friday morning")
        + " Copyright Example Wire."
    )
    assert duplicate_groups([WIRE, REWRITE, edited, WIRE]) == [[0, 2, 3]]
    assert duplicate_groups(["Short brief.", "Short brief."]) == []  # too short to call copies


def test_copies_are_found_across_row_blocks():
    texts = [
        WIRE,
        REWRITE,
        "By Staff Reporter\n" + WIRE,
        REWRITE,
        WIRE + " Copyright Example Wire.",
    ]
    whole = duplicate_groups(texts)
    # Three blocks of rows: the pairs cross them.
    assert whole == [[0, 2, 4], [1, 3]] and duplicate_groups(texts, block_rows=2) == whole


def test_same_outlet_fetched_twice_is_one_entry_without_also_in():
    from helpers import document

    one = document(WIRE, "a", source="Example Wire")
    two = document(WIRE, "b", source="Example Wire")
    problems: list[Problem] = []
    [kept] = collapse_duplicates([one, two], problems)
    assert kept.id == "a" and kept.article.also_in == ()
    assert problems[0].origin == "b" and "also in" not in problems[0].message


def test_declared_encodings_of_pages_and_feeds_are_honoured(tmp_path):
    (tmp_path / "ru.html").write_bytes(
        (
            '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'
            "<title>Новый мост</title></head><body><article><p>Новый мост через реку открыли во вторник после "
            "двух лет строительства, сообщили в городской администрации.</p></article></body></html>"
        ).encode("cp1251")
    )
    (tmp_path / "fr.rss").write_bytes(
        (
            '<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel><title>Le Journal du Café</title>'
            "<item><title>Café crème</title><description>Le café a coûté plus cher cette année à Paris, "
            "selon les patrons des brasseries.</description></item></channel></rss>"
        ).encode("latin-1")
    )
    result = ingest([tmp_path])
    assert result.problems == []  # a declared encoding is not a repair
    texts = {a.source or a.title: a for a in result.articles}
    assert texts["Новый мост"].text.startswith("Новый мост через реку открыли")
    assert texts["Le Journal du Café"].title == "Café crème"


def test_outlets_of_copies_count_for_ranking_and_topic_rules():
    from helpers import document
    from newsdigest.model import Story
    from newsdigest.topics import story_facts

    kept = collapse_duplicates(
        [document(WIRE, "a", source="Example Wire"), document(WIRE, "b", source="Hill Post")], []
    )
    facts = story_facts(Story(slug="s", title="t", article_ids=("a",)), {d.id: d for d in kept})
    assert facts.outlets == {"Example Wire", "Hill Post"}


def test_page_dates_do_not_depend_on_the_wall_clock(tmp_path):
    page = (MIXED / "harbour-bridge.html").read_text(encoding="utf-8")
    for year in ("1987", "2031"):
        (tmp_path / f"p{year}.html").write_text(
            page.replace("2025-10-14T08:15", f"{year}-10-14T08:15"), encoding="utf-8"
        )
    dates = sorted(a.date.isoformat() for a in ingest([tmp_path]).articles)
    assert dates == ["1987-10-14T08:15:00+02:00", "2031-10-14T08:15:00+02:00"]


def test_relative_entry_links_resolve_against_the_feed_site(tmp_path):
    (tmp_path / "rel.rss").write_text(
        '<rss version="2.0"><channel><title>Rel</title><link>https://rel.example.org/news/</link>'
        "<item><title>A</title><link>/2025/a</link><description>Text of the first entry here.</description></item>"
        "<item><title>B</title><description>No link at all in this entry.</description></item>"
        "</channel></rss>",
        encoding="utf-8",
    )
    urls = [a.url for a in ingest([tmp_path]).articles]
    assert urls == ["https://rel.example.org/2025/a", None]
