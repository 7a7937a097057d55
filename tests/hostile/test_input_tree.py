"""The input folder as an attacker or an accident leaves it: symlinks, file names that are
not UTF-8, folders nested thousands deep."""

import os
from pathlib import Path

from newsdigest.cli import run
from newsdigest.ingest import MAX_INPUT_DEPTH, ingest

TEXT = "The harbour council met on Monday to discuss the ferry budget for next year.\n"


def test_a_symlink_to_a_file_outside_the_input_is_skipped_with_a_message(tmp_path: Path):
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", "utf-8")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "news.txt").write_text(TEXT, "utf-8")
    (folder / "leak.txt").symlink_to(secret)
    result = ingest([folder])
    assert [a.id for a in result.articles] == ["news"]
    assert [str(p) for p in result.problems] == [
        "in/leak.txt: skipped: a symlink to a file outside the input folder; not read"
    ]


def test_a_symlink_inside_the_input_is_read_once(tmp_path: Path):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "news.txt").write_text(TEXT, "utf-8")
    (folder / "again.txt").symlink_to(folder / "sub" / "news.txt")
    (folder / "loop").symlink_to(folder)
    result = ingest([folder])
    assert [a.id for a in result.articles] == ["sub/news"]
    assert [str(p) for p in result.problems] == [
        "in/loop: skipped: a symlink to a folder; folders are read only where they are, "
        "not followed"
    ]


def test_a_file_name_that_is_not_utf8_gives_a_message_with_the_cache_on(tmp_path: Path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "fine.txt").write_text(TEXT, "utf-8")
    name = os.fsencode(folder) + b"/caf\xe9.txt"
    with open(name, "wb") as handle:
        handle.write(b"The cafe on the quay reopened after the storm damaged its roof in May.\n")
    options = ["--cache-dir", str(tmp_path / "cache"), "--topics", str(tmp_path / "none")]
    code = run(["build", "--input", str(folder), "--out", str(tmp_path / "out"), *options])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "Traceback" not in err
    assert "in/caf\\xe9.txt: repaired: file name is not UTF-8; its bytes shown as \\xNN" in [
        str(p) for p in ingest([folder]).problems
    ]
    assert len(list((tmp_path / "out" / "docs" / "stories").glob("*.md"))) == 2


def test_an_input_tree_2100_folders_deep_is_reported_not_a_traceback(tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "top.txt").write_text(TEXT, "utf-8")
    # Made with relative steps: the whole path is longer than the system allows.
    here = os.open(folder, os.O_RDONLY)
    for _ in range(2100):
        os.mkdir("d", dir_fd=here)
        deeper = os.open("d", os.O_RDONLY, dir_fd=here)
        os.close(here)
        here = deeper
    os.close(here)
    try:
        result = ingest([folder])
    finally:
        _flatten(folder)
    assert [a.id for a in result.articles] == ["top"]
    (problem,) = result.problems
    assert problem.origin == "in/" + "/".join(["d"] * (MAX_INPUT_DEPTH + 1))
    assert problem.message == f"folder nested more than {MAX_INPUT_DEPTH} levels deep; not read"


def _flatten(folder: Path) -> None:
    """Remove the deep tree one level at a time (shutil.rmtree recurses past Python's limit)."""
    while (folder / "d" / "d").exists():
        (folder / "d" / "d").rename(folder / "next")
        (folder / "d").rmdir()
        (folder / "next").rename(folder / "d")
    (folder / "d").rmdir()
