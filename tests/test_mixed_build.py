"""`newsdigest build --input` on a folder mixing every input format, through `mkdocs build`."""

import json
from pathlib import Path

from helpers import mkdocs_build
from newsdigest.cli import run
from newsdigest.render import md_escape
from test_search import indexed_pages

MIXED = Path(__file__).parent / "fixtures" / "mixed"


def test_mixed_folder_builds_end_to_end(root, tmp_path, capsys):
    out = tmp_path / "out"
    code = run(
        [
            "build",
            "--input",
            str(MIXED),
            "--out",
            str(out),
            "--topics",
            str(root / "topics"),
            "--settings",
            str(tmp_path / "none.yml"),
            "--templates",
            str(root / "site_templates"),
            "--mkdocs",
            str(root / "mkdocs.yml"),
            "--site-dir",
            str(out / "site"),
            "--report",
            str(tmp_path / "report.json"),
            "--fail-on-skip",
        ]
    )
    assert code == 0
    err = capsys.readouterr().err
    assert "read 6 files: 8 articles" in err and "0 skipped, 1 merged as copies" in err
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert (report["skipped"], report["repaired"], report["merged"]) == (0, 0, 1)
    pages = "\n".join(
        p.read_text(encoding="utf-8") for p in (out / "docs" / "stories").glob("*.md")
    )
    for title in [
        "Ferry crews strike, cutting off the northern islands",
        "Old mill becomes the town's new library",
        "Harbour bridge reopens after repairs",
        "Wildfire forces evacuation of hill villages",
        "Riverside market returns on Saturday",
        "Ski resort opens early after heavy snowfall",
        "Energy prices fall for third month",
        "La ville ouvre une nouvelle piste cyclable",
    ]:
        assert f"### {md_escape(title)} {{: #" in pages, title  # one coverage entry each
    # Articles with a URL link to it; the one without says so instead of a dead link.
    assert pages.count("[Read the article](http") == 7 and pages.count("no link known") == 1
    assert (
        "[Riverside Gazette](../outlets/riverside-gazette.md) · also in Mountain Tribune" in pages
    )
    assert (
        "Hill villages evacuated as wildfire spreads" not in pages
    )  # the copy is one entry, not two
    mkdocs_build(out)
    pages = indexed_pages(out / "site")  # what Pagefind's search holds
    text = " ".join(p["text"] for p in pages.values())
    outlets = {o for p in pages.values() for o in p["filters"].get("outlet", [])}
    assert "Mountain Tribune" in outlets and "Mountain Tribune" in text and "Larch Valley" in text
    # The French article's story says it is in French, on the article (the page stays the
    # site's language for its navigation and for search).
    french = [
        p
        for p in (out / "site" / "stories").glob("*/index.html")
        if "piste cyclable" in p.read_text(encoding="utf-8")
    ]
    [html] = [p.read_text(encoding="utf-8") for p in french]
    assert '<div lang="fr">' in html and '<html lang="en"' in html


def test_mixed_build_is_byte_identical_twice(root, tmp_path):
    outputs = []
    for name in ("one", "two"):
        out = tmp_path / name
        assert (
            run(
                [
                    "build",
                    "-q",
                    "--input",
                    str(MIXED),
                    "--out",
                    str(out),
                    "--topics",
                    str(root / "topics"),
                    "--settings",
                    str(tmp_path / "none.yml"),
                    "--templates",
                    str(root / "site_templates"),
                    "--mkdocs",
                    str(root / "mkdocs.yml"),
                ]
            )
            == 0
        )
        outputs.append(
            {
                p.relative_to(out).as_posix(): p.read_bytes()
                for p in sorted((out / "docs").rglob("*.md"))
            }
        )
    assert outputs[0] == outputs[1] and len(outputs[0]) > 10
