"""The build never crashes on broken input: one line per problem, counts, JSON report, every valid article kept."""

import json

import pytest

from bad_input import EXPECTED_PROBLEMS, VALID_TITLES, write_bad_input
from newsdigest.cli import run
from newsdigest.ingest import ingest
from newsdigest.pipeline import build_digest
from newsdigest.render import md_escape


@pytest.fixture(scope="module")
def bad(tmp_path_factory):
    return write_bad_input(tmp_path_factory.mktemp("in") / "bad")


def _key(origin: str) -> str:
    return origin.split("/", 1)[1]


def test_every_bad_file_is_reported_with_its_reason(bad):
    result = ingest([bad])
    reported = {}
    for problem in result.problems:
        reported.setdefault(_key(problem.origin), []).append((problem.action, problem.message))
    for name, (action, words) in EXPECTED_PROBLEMS.items():
        assert any(a == action and words in m for a, m in reported.get(name, [])), (
            name,
            reported.get(name),
        )
    # Nothing else was flagged, and only the expected files were skipped.
    assert set(reported) <= set(EXPECTED_PROBLEMS)
    wrong_types = [m for a, m in reported["wrong-types.md"]]
    assert len(wrong_types) == 4 and all(m.startswith("front matter: ") for m in wrong_types)


def test_repaired_files_keep_their_text_and_good_metadata(bad):
    articles = {_key(a.origin): a for a in ingest([bad]).articles}
    assert articles["latin1.txt"].text.startswith("Café owners in Lyon")
    assert "\u20ac2 coin on Thursday \u2013 its \u201cfirst redesign" in articles["cp1252.txt"].text
    assert articles["bom.md"].title == "Marathon route changes announced"
    assert articles["truncated.html"].text.endswith("the hospital said in a sta")
    zoo = articles["wrong-types.md"]
    assert (zoo.title, zoo.author, zoo.date, zoo.url, zoo.source) == (
        "Zoo welcomes two red panda cubs",
        None,
        None,
        None,
        None,
    )
    assert articles["impossible-date.md"].date is None
    assert articles["manifest-bad-date.txt"].title == "Bus drivers agree new rota"
    assert sorted(a.id for a in articles.values() if a.origin.startswith("bad/ids.jsonl")) == [
        "same-id",
        "same-id-2",
    ]


def test_same_title_gives_two_distinct_story_slugs(bad):
    digest = build_digest([bad])
    storms = sorted(s.slug for s in digest.stories if s.title == "Storm hits the coast")
    assert storms == ["storm-hits-the-coast", "storm-hits-the-coast-2"]
    assert sorted(a.title for a in digest.articles.values()) == sorted(VALID_TITLES)


def test_build_prints_one_line_per_problem_counts_and_writes_the_report(
    bad, root, tmp_path, capsys
):
    out = tmp_path / "out"
    args = [
        "build",
        "--input",
        str(bad),
        "--out",
        str(out),
        "--topics",
        str(tmp_path / "none"),
        "--settings",
        str(tmp_path / "none.yml"),
        "--templates",
        str(root / "site_templates"),
        "--mkdocs",
        str(root / "mkdocs.yml"),
        "--report",
        str(tmp_path / "report.json"),
    ]
    assert run(args) == 0
    err = capsys.readouterr().err
    assert "Traceback" not in err
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    lines = [line for line in err.splitlines() if line.startswith("bad/")]
    assert len(lines) == len(report["problems"])  # one line per problem, nothing on two lines
    skipped = sum(a == "skipped" for a, _ in EXPECTED_PROBLEMS.values())
    assert report["skipped"] == skipped
    assert report["repaired"] >= sum(a == "repaired" for a, _ in EXPECTED_PROBLEMS.values())
    assert report["articles"] == len(VALID_TITLES)
    assert f"{report['repaired']} repaired, {skipped} skipped" in err
    assert {"file", "action", "reason"} == set(report["problems"][0])
    pages = "\n".join(
        p.read_text(encoding="utf-8") for p in (out / "docs" / "stories").glob("*.md")
    )
    for title in VALID_TITLES:
        assert f"### {md_escape(title)}" in pages, title
    assert run([*args, "--fail-on-skip", "-q"]) == 1


def test_progress_by_default_and_only_problems_with_quiet(bad, root, tmp_path, capsys):
    args = [
        "build",
        "--input",
        str(bad),
        "--out",
        str(tmp_path / "out"),
        "--topics",
        str(tmp_path / "none"),
        "--settings",
        str(tmp_path / "none.yml"),
        "--templates",
        str(root / "site_templates"),
        "--mkdocs",
        str(root / "mkdocs.yml"),
    ]
    assert run(args) == 0
    loud = capsys.readouterr().err.splitlines()
    assert any(line.startswith("group: ") for line in loud)  # each stage announces itself
    assert run([*args, "-q"]) == 0
    quiet = capsys.readouterr().err.splitlines()
    assert quiet and all(
        line.startswith("bad/") for line in quiet
    )  # the skips and repairs, nothing else
    assert set(quiet) <= set(loud)


def test_verbose_build_reports_the_cache(bad, root, tmp_path, capsys):
    args = [
        "build",
        "-v",
        "--input",
        str(bad),
        "--out",
        str(tmp_path / "out"),
        "--topics",
        str(tmp_path / "none"),
        "--settings",
        str(tmp_path / "none.yml"),
        "--templates",
        str(root / "site_templates"),
        "--mkdocs",
        str(root / "mkdocs.yml"),
        "--cache-dir",
        str(tmp_path / "cache"),
    ]
    assert run(args) == 0
    assert "article cache: 0 hits" in capsys.readouterr().err
    assert run(args) == 0
    second = capsys.readouterr().err
    assert "article cache: 0 hits" not in second and ", 0 misses" in second
