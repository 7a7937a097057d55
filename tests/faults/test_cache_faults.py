"""The cache only ever costs time: a damaged file is replaced (once, not rebuilt at every
build), a read-only one is read, a locked one is reported at once and the build goes on."""

import sqlite3
import time
from pathlib import Path

import pytest

from newsdigest.cache import Store
from newsdigest.cli import run

ROOT = Path(__file__).resolve().parents[2]


def build(tmp_path: Path, out: str, capsys) -> tuple[int, str, str]:
    """Build seeds/ with the cache in tmp_path/cache; (exit code, stderr, article cache line)."""
    options = ["--cache-dir", str(tmp_path / "cache"), "--topics", str(ROOT / "topics")]
    code = run(
        ["build", "-v", "--input", str(ROOT / "seeds"), "--out", str(tmp_path / out), *options]
    )
    err = capsys.readouterr().err
    (line,) = [x for x in err.splitlines() if x.startswith("article cache:")]
    return code, err, line


def test_a_cache_of_another_schema_is_replaced_once(tmp_path, capsys):
    (tmp_path / "cache").mkdir()
    db = sqlite3.connect(tmp_path / "cache" / "articles.sqlite")
    db.execute("CREATE TABLE entries (key TEXT, something TEXT)")
    db.commit()
    db.close()
    code, _, first = build(tmp_path, "a", capsys)
    assert code == 0 and first.endswith("1 damaged entries rebuilt")
    code, _, second = build(tmp_path, "b", capsys)
    assert code == 0 and second.startswith("article cache: 2 hits, 0 misses"), second


def test_a_cache_file_with_bad_pages_is_replaced_once(tmp_path, capsys):
    build(tmp_path, "a", capsys)
    path = tmp_path / "cache" / "articles.sqlite"
    data = bytearray(path.read_bytes())
    assert len(data) > 3 * 4096
    data[4096:] = b"\xde\xad" * ((len(data) - 4096) // 2)  # every page after the first
    path.write_bytes(bytes(data))
    code, err, first = build(tmp_path, "b", capsys)
    assert code == 0 and "Traceback" not in err
    assert first.endswith("1 damaged entries rebuilt"), first
    code, _, second = build(tmp_path, "c", capsys)
    assert code == 0 and second.startswith("article cache: 2 hits, 0 misses"), second


def test_a_locked_cache_is_reported_at_once_and_the_build_goes_on(tmp_path, capsys):
    build(tmp_path, "a", capsys)
    other = sqlite3.connect(tmp_path / "cache" / "articles.sqlite", isolation_level=None)
    other.execute("PRAGMA locking_mode=EXCLUSIVE")
    other.execute("BEGIN EXCLUSIVE")  # another process holds the file, and takes its time
    try:
        began = time.perf_counter()
        code, err, line = build(tmp_path, "b", capsys)
        took = time.perf_counter() - began
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert code == 0
    assert took < 30, took  # 124 s before: a minute's wait per store
    assert "articles.sqlite: is locked by another process; this build goes on without it" in err
    assert line.startswith("article cache: 0 hits, 2 misses"), line


def test_a_read_only_cache_is_read(tmp_path, capsys, monkeypatch):
    build(tmp_path, "a", capsys)
    # Tests may run as root, whom file modes do not stop: the cache's file is refused for
    # writing as a read-only file system would.
    connect = sqlite3.connect

    def read_only(database, *args, uri=False, **kwargs):
        if not uri:
            raise sqlite3.OperationalError("attempt to write a readonly database")
        return connect(database, *args, uri=uri, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", read_only)
    code, err, line = build(tmp_path, "b", capsys)
    assert code == 0
    assert line.startswith("article cache: 2 hits, 0 misses"), line
    assert "articles.sqlite: cannot be written; read, and not updated" in err


def test_a_cache_folder_that_cannot_be_made_is_a_message(tmp_path, capsys):
    (tmp_path / "file").write_text("not a folder", "utf-8")
    store = Store(tmp_path / "file" / "cache" / "articles")
    assert store.get("x") is None
    store.put("x", {"a": 1})
    store.close()
    assert store.note is not None and "cannot be created (Not a directory)" in store.note
    options = ["--cache-dir", str(tmp_path / "file" / "cache"), "--topics", str(ROOT / "topics")]
    code = run(
        ["build", "-q", "--input", str(ROOT / "seeds"), "--out", str(tmp_path / "out"), *options]
    )
    err = capsys.readouterr().err
    assert code == 0 and "Traceback" not in err
    assert "cannot be created (Not a directory); this build goes on without it" in err


@pytest.mark.parametrize("mode", ["ro", "ro&immutable=1"])
def test_read_only_modes_open_a_written_cache(tmp_path, mode):
    with Store(tmp_path / "articles") as store:
        store.put("k", {"v": 1})
    reader = Store.__new__(Store)
    reader.path = tmp_path / "articles.sqlite"
    reader.lock_timeout = 1
    db = reader._open(mode)
    assert db.execute("SELECT count(*) FROM entries").fetchone() == (1,)
    db.close()
