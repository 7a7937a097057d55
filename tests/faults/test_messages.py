"""Faults at the edges are one line with an exit code, never a traceback."""

import errno
import json
from pathlib import Path

import pytest

from newsdigest.cli import run

ROOT = Path(__file__).resolve().parents[2]


def build(tmp_path: Path, *options: str) -> list[str]:
    return [
        "build",
        "-q",
        "--input",
        str(ROOT / "seeds"),
        "--topics",
        str(ROOT / "topics"),
        "--no-cache",
        *options,
    ]


def one_line(capsys) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = [x for x in err.splitlines() if x.strip()]
    assert len(lines) == 1, lines
    return lines[0]


def test_out_that_is_a_file(tmp_path, capsys):
    (tmp_path / "file").write_text("x", "utf-8")
    assert run(build(tmp_path, "--out", str(tmp_path / "file"))) == 2
    assert one_line(capsys).endswith("is a file; give a folder (new or empty)")


def test_out_under_a_file(tmp_path, capsys):
    (tmp_path / "file").write_text("x", "utf-8")
    assert run(build(tmp_path, "--out", str(tmp_path / "file" / "out"))) == 2
    assert "cannot be written" in one_line(capsys)


@pytest.mark.parametrize("where", ["folder", "under-a-file"])
def test_a_report_that_cannot_be_written_is_refused_before_the_build(tmp_path, capsys, where):
    (tmp_path / "file").write_text("x", "utf-8")
    report = tmp_path if where == "folder" else tmp_path / "file" / "report.json"
    out = tmp_path / "out"
    assert run(build(tmp_path, "--out", str(out), "--report", str(report))) == 2
    assert one_line(capsys).startswith(f"--report {report}: ")
    assert not out.exists()


def test_a_report_that_fails_while_written_publishes_nothing(tmp_path, capsys, monkeypatch):
    out = tmp_path / "out"
    report = tmp_path / "report.json"
    real = Path.write_text

    def full_disk(self, *args, **kwargs):
        if self == report:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", full_disk)
    assert run(build(tmp_path, "--out", str(out), "--report", str(report))) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [
        f"--report {report}: cannot be written: No space left on device",
        f"{out}/: left as they were (nothing was published)",
    ]
    assert not out.exists()


def test_a_read_only_out_is_one_line(tmp_path, capsys, monkeypatch):
    """Tests may run as root, whom modes do not stop: pages fail as on a read-only disk."""
    real = Path.write_text

    def read_only(self, *args, **kwargs):
        if self.suffix == ".md":
            raise OSError(errno.EROFS, "Read-only file system", str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", read_only)
    assert run(build(tmp_path, "--out", str(tmp_path / "out"))) == 1
    assert one_line(capsys).endswith(": Read-only file system")


def test_a_docs_symlink_in_out_is_refused_and_never_followed(tmp_path, capsys):
    out = tmp_path / "out"
    assert run(build(tmp_path, "--out", str(out))) == 0
    capsys.readouterr()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("keep", "utf-8")
    for path in sorted((out / "docs").rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    (out / "docs").rmdir()
    (out / "docs").symlink_to(elsewhere)
    assert run(build(tmp_path, "--out", str(out))) == 2
    assert "did not write (docs" in one_line(capsys)
    assert run(build(tmp_path, "--out", str(out), "--force")) == 0
    assert (elsewhere / "keep.txt").read_text("utf-8") == "keep"
    assert not (out / "docs").is_symlink()


def test_a_deeply_nested_registry_is_one_line(tmp_path, capsys):
    registry = tmp_path / "registry.json"
    registry.write_text("[" * 100_000 + "]" * 100_000, "utf-8")
    assert run(build(tmp_path, "--out", str(tmp_path / "out"), "--registry", str(registry))) == 3
    assert "nested too deeply" in one_line(capsys)
    json.loads("[[]]")  # json itself still works after the RecursionError
