"""The whole pipeline on golden trees: the seeds, and the fixture site (several stories,
an editor topic, an override and a redirect from the registry). Markdown and feeds are
compared byte for byte with tests/golden/; also determinism and a real MkDocs build.

After a deliberate change to the output, `UPDATE_GOLDEN=1 make test` rewrites the golden
files and then fails on purpose (an update is never a pass): review the diff, commit the
new files with the change, and run the tests again. It is refused where CI is set.
"""

import json
import os
import shutil
from pathlib import Path

import pytest

from helpers import mkdocs_build
from newsdigest.cli import run
from test_search import indexed_pages

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden"
SITE = ROOT / "tests" / "fixtures" / "site"


def build(
    root, out: Path, *extra: str, inputs: Path | None = None, topics: Path | None = None
) -> int:
    return run(
        [
            "build",
            "-q",
            "--input",
            str(inputs or root / "seeds"),
            "--out",
            str(out),
            "--topics",
            str(topics or root / "topics"),
            "--settings",
            str(out / "absent.yml"),
            "--templates",
            str(root / "site_templates"),
            "--mkdocs",
            str(root / "mkdocs.yml"),
            "--site-dir",
            str(out / "site"),
            *extra,
        ]
    )


def markdown_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.md"))}


def output_files(folder: Path) -> dict[str, bytes]:
    """The pages and the feeds: everything the build writes into docs/."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory, request):
    root = Path(request.config.rootpath)
    out = tmp_path_factory.mktemp("digest")
    assert build(root, out) == 0
    return out


@pytest.fixture(scope="module")
def built_site(tmp_path_factory):
    """The fixture site, with its editor topic and overrides, and a registry from an earlier
    build in which the bridge story was two stories (one of them redirects now)."""
    base = tmp_path_factory.mktemp("fixture-site")
    out = base / "out"  # each build replaces out/ whole: the registry lives beside it
    registry = base / "registry.json"
    shutil.copy(SITE / "registry.json", registry)
    code = build(
        ROOT, out, "--registry", str(registry), inputs=SITE / "articles", topics=SITE / "topics"
    )
    assert code == 0
    return out


def compare_with_golden(produced: dict[str, bytes], golden: Path) -> None:
    if os.environ.get("UPDATE_GOLDEN"):
        if os.environ.get("CI"):
            pytest.fail("UPDATE_GOLDEN is refused in CI: golden files change in a reviewed commit")
        shutil.rmtree(golden, ignore_errors=True)
        for name, data in produced.items():
            (golden / name).parent.mkdir(parents=True, exist_ok=True)
            (golden / name).write_bytes(data)
        pytest.fail(f"{golden} rewritten: review `git diff {golden}`, commit it, run again")
    expected = output_files(golden)
    assert sorted(produced) == sorted(expected)
    for name in expected:
        assert produced[name].decode() == expected[name].decode(), name


def test_seeds_match_the_golden_files(built):
    compare_with_golden(output_files(built / "docs"), GOLDEN / "seeds")


def test_fixture_site_matches_the_golden_files(built_site):
    produced = output_files(built_site / "docs")
    compare_with_golden(produced, GOLDEN / "site")
    # What the golden tree is there to hold: several stories, the topic, the override, the
    # redirect, and the feeds.
    assert sum(name.startswith("stories/") for name in produced) == 5
    moved = produced["stories/aldwick-bridge-repairs-to-take-three-weeks.md"].decode()
    assert "# This story has moved" in moved and "aldwick-harbour-bridge-closed" in moved
    bank = produced["stories/ostmark-central-bank-holds-interest-rate-at-3-5-percent.md"].decode()
    assert "# Ostmark central bank holds its rate" in bank
    assert {"feed.atom.xml", "feed.rss.xml", "feed.json", "feed-infrastructure.atom.xml"} <= set(
        produced
    )
    # An automatic topic of the earlier build whose stories the editor topic now holds: its
    # page redirects there, and its feeds stay at their URLs with one entry saying so.
    topic = produced["topics/bridge-aldwick-repairs.md"].decode()
    assert "# This topic has moved" in topic and "[Infrastructure](infrastructure.md)" in topic
    for feed in ("feed-bridge-aldwick-repairs.atom.xml", "feed-bridge-aldwick-repairs.rss.xml"):
        assert "This topic has moved: its stories are now under Infrastructure" in (
            produced[feed].decode()
        )


def test_second_build_is_byte_identical(root, built, tmp_path):
    assert build(root, tmp_path) == 0
    assert output_files(tmp_path / "docs") == output_files(built / "docs")


def test_seeds_make_one_story_with_both_articles_and_no_boilerplate(built):
    stories = list((built / "docs" / "stories").glob("*.md"))
    assert len(stories) == 1
    page = stories[0].read_text(encoding="utf-8")
    assert "Al Jazeera" in page and "Outlet unknown" in page
    assert page.count("\n### ") == 2  # one coverage entry per seed article
    for name, text in markdown_files(built / "docs").items():
        assert b"appeared first on" not in text and b"Bonus video" not in text, name


def test_site_never_republishes_full_text(root, built):
    page = next((built / "docs" / "stories").glob("*.md")).read_text(encoding="utf-8")
    # The seed's closing sentence is neither summary nor exclusive material.
    assert "The Tartus naval base and the Hmeimim air base" not in page


def test_mkdocs_builds_strict_and_search_finds_the_names(built):
    mkdocs_build(built)
    # Search is Pagefind's (tests/test_search.py): the story page gives it the names,
    # and only story, topic and outlet pages are indexed, one result per story.
    pages = indexed_pages(built / "site")
    text = " ".join(p["text"] for path, p in pages.items() if path.startswith("stories/"))
    for name in ("al-Sharaa", "al-Shareh", "Putin", "Kremlin"):
        assert name in text, name
    assert "Key quotes" not in text and "What each outlet adds" not in text
    assert all(
        path.startswith(("stories/", "topics/", "outlets/")) and not path.endswith("s/index.html")
        for path in pages
    )
    assert (built / "site" / "pagefind" / "pagefind.js").exists()
    home = (built / "site" / "index.html").read_text(encoding="utf-8")
    assert 'data-md-color-scheme="slate"' in home  # the light/dark toggle
    assert "fonts.googleapis.com" not in home


def test_topics_from_yaml_hold_the_story(built):
    topics = built / "docs" / "topics"
    assert {"middle-east.md", "russia.md", "index.md"} <= {p.name for p in topics.glob("*.md")}
    assert "stories/" in (topics / "russia.md").read_text(encoding="utf-8")


def test_report_and_exit_code_when_nothing_can_be_read(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    code = run(
        [
            "build",
            "-q",
            "--input",
            str(tmp_path / "in"),
            "--out",
            str(tmp_path / "out"),
            "--topics",
            str(tmp_path / "none"),
            "--report",
            str(tmp_path / "report.json"),
        ]
    )
    assert code == 1
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["skipped"] == 1 and report["problems"][0]["reason"] == "empty file"


def test_the_build_summary_counts_in_words_a_reader_would_write(root, tmp_path, capsys):
    # The seeds: two files, two articles, one story ("1 story", not "1 stories").
    assert run(["build", "--input", str(root / "seeds"), "--out", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    assert "read 2 files: 2 articles in 1 story, " in err
