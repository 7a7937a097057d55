"""Date-only articles keep their calendar date in every time zone; a story's language
reaches its key terms (stop words), its page (lang) and its feed entries."""

import json
from pathlib import Path

from newsdigest.cli import run
from newsdigest.pipeline import build_digest
from newsdigest.settings import Settings

ROOT = Path(__file__).resolve().parent.parent

FRENCH = (
    "La ville de Lyon a ouvert mardi une nouvelle piste cyclable le long du Rhône, "
    "longue de douze kilomètres. Les cyclistes pourront la suivre de la gare jusqu'au parc "
    "de la Tête d'Or. Le maire a annoncé que la piste sera prolongée jusqu'à Villeurbanne "
    "l'an prochain, et que les travaux du pont seront terminés en juin. Les associations "
    "de cyclistes ont salué une piste attendue depuis des années par les habitants du quartier."
)
ENGLISH = (
    "The harbour ferry resumed its winter timetable on Tuesday after a month of repairs. "
    "Ferries will leave the quay every twenty minutes from six in the morning. "
    "The operator said the new engines cut fuel use by a third."
)


def write(folder: Path, name: str, text: str, date: str, language: str | None = None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    meta = (
        f"---\ntitle: {name}\nsource: Test Post\ndate: {date}\n"
        + (f"language: {language}\n" if language else "")
        + "---\n"
    )
    (folder / f"{name}.md").write_text(meta + text + "\n", encoding="utf-8")


def build(tmp_path: Path, settings: str = "") -> Path:
    (tmp_path / "settings.yml").write_text(settings, encoding="utf-8")
    out = tmp_path / "out"
    code = run(
        [
            "build",
            "-q",
            "--input",
            str(tmp_path / "in"),
            "--out",
            str(out),
            "--topics",
            str(tmp_path / "none"),
            "--settings",
            str(tmp_path / "settings.yml"),
            "--templates",
            str(ROOT / "site_templates"),
            "--mkdocs",
            str(ROOT / "mkdocs.yml"),
            "--site-dir",
            str(out / "site"),
            "--no-cache",
        ]
    )
    assert code == 0
    return out / "docs"


def test_a_date_only_article_keeps_its_day_in_a_time_zone_west_of_utc(tmp_path):
    write(tmp_path / "in", "ferry", ENGLISH, "2025-10-14")
    docs = build(tmp_path, "timezone: America/New_York\n")
    assert (docs / "archive" / "2025-10-14.md").exists()
    assert not (docs / "archive" / "2025-10-13.md").exists()
    [story] = (docs / "stories").glob("*.md")
    page = story.read_text(encoding="utf-8")
    assert '<time datetime="2025-10-14T00:00:00-04:00">2025-10-14</time>' in page
    feed = json.loads((docs / "feed.json").read_text(encoding="utf-8"))
    assert feed["items"][0]["date_published"] == "2025-10-14T00:00:00-04:00"
    # A time given with the date stays that instant, shown in the site's zone.
    write(tmp_path / "in", "ferry", ENGLISH, "2025-10-14T02:00:00+00:00")
    docs = build(tmp_path, "timezone: America/New_York\n")
    assert (docs / "archive" / "2025-10-13.md").exists()


def test_a_french_story_has_french_key_terms_page_language_and_feed_language(tmp_path):
    write(tmp_path / "in", "lyon", FRENCH, "2025-10-14")
    write(tmp_path / "in", "ferry", ENGLISH, "2025-10-14")
    digest = build_digest([tmp_path / "in"], Settings(), None)
    lyon = next(s for s in digest.published if s.article_ids == ("lyon",))
    highlights = digest.highlights[lyon.slug]
    assert highlights.language == "fr"
    terms = {t.lower() for t in highlights.terms}
    assert terms and not terms & {"la", "le", "les", "du", "de", "des", "une"}
    assert "piste" in terms or "cyclistes" in terms
    docs = build(tmp_path)
    page = (docs / "stories" / f"{lyon.slug}.md").read_text(encoding="utf-8")
    assert "\nlang: fr\n" in page.split("---")[1]
    atom = (docs / "feed.atom.xml").read_text(encoding="utf-8")
    assert '<entry xml:lang="fr">' in atom and '<entry xml:lang="en">' in atom
    feed = json.loads((docs / "feed.json").read_text(encoding="utf-8"))
    assert {item["language"] for item in feed["items"]} == {"fr", "en"}


def test_a_story_whose_articles_disagree_has_no_language(tmp_path):
    from newsdigest.languages import story_language
    from newsdigest.model import Article

    def article(language):
        return Article(id="a", text="", origin="a", language=language)

    assert story_language([article("en-gb"), article("en")]) == "en"
    assert story_language([article("en-gb"), article("EN-GB")]) == "en-gb"
    assert story_language([article("fr"), article("en")]) is None
    assert story_language([article(None), article("fr")]) == "fr"
    assert story_language([article('"><script>')]) is None  # not a language tag
