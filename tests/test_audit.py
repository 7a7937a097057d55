"""The page audit (newsdigest audit): the record a build writes beside its pages, what the
audit counts in it, and its gate. Invented text, plus the real corpus read at test time
for how often the furniture detector fires on clean prose."""

import json
from pathlib import Path

import pytest

from newsdigest.audit import audit_records, title_reason
from newsdigest.cli import run
from newsdigest.furniture import inline_reason, line_reason

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"


def record(slug="s", title="Council approves a budget for roads", derived=False, **sections):
    return {
        "slug": slug,
        "page": f"stories/{slug}.md",
        "title": title,
        "title_derived": derived,
        "articles": [{"id": "a1", "title": title, "title_derived": derived, "dated": True}],
        "sections": {
            name: [{"article": "a1", "text": t} for t in texts] for name, texts in sections.items()
        },
        "terms": [],
    }


def test_clean_page_has_no_findings():
    story = record(summary=["The council approved the budget on Monday.", "Work starts in May."])
    audit = audit_records([story], {"s": ""})
    assert audit.summary_sentences == 2
    assert {k: f.count for k, f in audit.findings.items() if f.count} == {}


def test_each_kind_is_counted_with_its_example():
    story = record(
        title="Lagos (Reuters) - The council approved a budget",
        derived=True,
        summary=[
            "Hide Caption Show Transcript The mayor spoke.",
            "The mayor spoke at length about the roads",
            "The mayor spoke.",
        ],
        exclusives=["Share this x Embed x Tweet x Email the story"],
        coverage=["The mayor spoke."],
    )
    story["articles"][0]["dated"] = False
    story["terms"] = ["road repairs", "hide caption"]
    counts = {k: f.count for k, f in audit_records([story], {"s": ""}).findings.items()}
    assert counts["bad_titles"] == 1
    assert counts["furniture_summary"] == 1
    assert counts["furniture_exclusives"] == 1
    assert counts["furniture_terms"] == 1
    assert counts["unterminated_summary"] == 1
    assert counts["derived_unmarked"] == 1
    assert counts["undated_unmarked"] == 1
    assert counts["repeated_sentences"] == 1
    page = "· headline taken from the text · date unknown"
    marked = {k: f.count for k, f in audit_records([story], {"s": page}).findings.items()}
    assert marked["derived_unmarked"] == 0 and marked["undated_unmarked"] == 0


def test_a_cut_excerpt_is_not_unterminated_unless_the_sentence_runs_on():
    cut = {"article": "a1", "text": "The council approved…", "cut": True, "ends": True}
    runs_on = {"article": "a1", "text": "The caption runs on…", "cut": True, "ends": False}
    story = record()
    story["sections"]["summary"] = [cut, runs_on]
    assert audit_records([story], {}).findings["unterminated_summary"].count == 1


@pytest.mark.parametrize(
    ("title", "reason"),
    [
        ("Photo", "machinery words"),
        ("By Ann Example", "byline"),
        ("Updated 6.15pm", "time stamp"),
        ("Posted on March 3, 2019", "time stamp"),
        ("PORTVILLE (AP) — The bridge reopened on Friday", "dateline"),
        ("Eastham (CNN) The bridge reopened on Friday", "dateline"),
        ("OLDTOWN -- The bridge reopened on Friday", "dateline"),
        ("OLDTOWN--The bridge reopened on Friday", "dateline"),
        ("- A Portville woman was arrested at a wedding", "opens with punctuation"),
        ('"We will rebuild," the mayor said on Friday', None),
        ("Bridges", "under three words"),
        ("The bridge reopened on Friday", None),
        ("Shares of Acme rose after the merger", None),
    ],
)
def test_title_reasons(title, reason):
    assert title_reason(title) == reason


@pytest.mark.parametrize(
    "text",
    [
        "Enlarge this image toggle caption",
        "Video player loading Click to play",
        "Please verify you are not a robot",
        "Jane Roe/Getty The team won the cup.",
        "Scroll down for video The team won.",
    ],
)
def test_furniture_inside_sentences(text):
    assert inline_reason(text) is not None


def test_prose_about_sharing_and_photos_is_not_furniture():
    for text in [
        "She shared the photo with her followers on Monday.",
        "The company said shares would be sold to staff.",
        "He watched the video twice before he called the police.",
    ]:
        assert inline_reason(text) is None and line_reason(text) is None


def test_the_detector_rarely_fires_on_clean_prose():
    """BBC News texts are clean prose (no captions or widgets): the furniture detector
    flags at most 1% of their sentences, so what it finds elsewhere is furniture."""
    from newsdigest.sentences import split_sentences

    rows = [json.loads(line) for line in (CORPUS / "bbc_news_summary/articles.jsonl").open()]
    sentences = [s for row in rows[::8] for s in split_sentences(row["text"])]
    flagged = [s for s in sentences if inline_reason(s)]
    assert len(sentences) > 2000
    assert len(flagged) / len(sentences) <= 0.01, flagged[:10]


def test_build_writes_the_record_and_audit_reads_it(tmp_path, capsys):
    out = tmp_path / "out"
    code = run(
        [
            "build",
            "-q",
            "--input",
            str(ROOT / "tests/fixtures/mixed"),
            "--out",
            str(out),
            "--settings",
            str(tmp_path / "absent.yml"),
            "--templates",
            str(ROOT / "site_templates"),
            "--mkdocs",
            str(ROOT / "mkdocs.yml"),
        ]
    )
    assert code == 0
    data = json.loads((out / "digest.json").read_text())
    assert data["stories"] and all((out / "docs" / s["page"]).is_file() for s in data["stories"])
    assert not (out / "docs" / "digest.json").exists()  # not published
    capsys.readouterr()
    assert run(["audit", str(out), "--json"]) == 0
    audit = json.loads(capsys.readouterr().out)
    assert audit["stories"] == len(data["stories"])
    assert set(audit["kinds"]) >= {"furniture_titles", "bad_titles", "unterminated_summary"}
    floors = tmp_path / "floors.yml"
    floors.write_text("pages:\n  max_furniture_titles: 0\n  max_repeated_sentences: 0\n")
    assert run(["audit", str(out), "--floors", str(floors), "--gate", "pages"]) == 0
    floors.write_text("pages:\n  max_derived_unmarked: -1\n")
    assert run(["audit", str(out), "--floors", str(floors), "--gate", "pages"]) == 1


def test_audit_of_a_folder_without_record_is_one_line(tmp_path, capsys):
    assert run(["audit", str(tmp_path)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "digest.json" in err[0]
