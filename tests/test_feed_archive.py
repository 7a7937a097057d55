"""The feed archive over simulated days: feeds served on 127.0.0.1 change from one fetch to
the next; the archive keeps every entry, updates one that changed, survives a killed fetch,
imports an earlier version's folder, and is never replaced when damaged."""

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from fetch_server import DAY_ONE, Server, guard_network, item_text, rss
from newsdigest.cli import run
from newsdigest.feed_archive import ARCHIVE_NAME, ArchiveError, FeedArchive, feed_filename
from newsdigest.fetch import FetchSettings, fetch_feeds
from newsdigest.ingest import ingest

ROOT = Path(__file__).resolve().parent.parent
FAST = FetchSettings(timeout=5, retries=0, delay=0.0)


@pytest.fixture(autouse=True)
def outside(monkeypatch):
    attempts = guard_network(monkeypatch)
    yield attempts
    assert attempts == []


@pytest.fixture
def server():
    s = Server()
    yield s
    s.close()


def day(n: int):
    """The wall clock of simulated day n (1 = 2026-12-01 10:00 UTC)."""
    return lambda: DAY_ONE + timedelta(days=n - 1, hours=2)


def fetch_day(server, folder, n, numbers, **feed):
    server.serve("/feed.xml", rss(server.base, numbers, **feed))
    return fetch_feeds([f"{server.base}/feed.xml"], folder, FAST, now=day(n))


def build(folder: Path, out: Path, *extra: str) -> int:
    return run(
        [
            "build",
            "-q",
            "--input",
            str(folder),
            "--out",
            str(out),
            "--no-cache",
            "--topics",
            str(out / "no-topics"),
            "--settings",
            str(out / "absent.yml"),
            "--templates",
            str(ROOT / "site_templates"),
            "--mkdocs",
            str(ROOT / "mkdocs.yml"),
            *extra,
        ]
    )


def coverage_titles(out: Path) -> list[str]:
    """Every article listed in a story page's coverage, over the whole site."""
    return sorted(
        line[4:].split(" {:")[0]
        for page in (out / "docs" / "stories").glob("*.md")
        for line in page.read_text(encoding="utf-8").splitlines()
        if line.startswith("### ")
    )


def markdown(out: Path) -> dict[str, bytes]:
    docs = out / "docs"
    return {p.relative_to(docs).as_posix(): p.read_bytes() for p in sorted(docs.rglob("*.md"))}


def test_every_item_survives_roll_off_and_the_site_shows_all_30(server, tmp_path):
    fetched = tmp_path / "fetched"
    first = fetch_day(server, fetched, 1, range(1, 21))
    second = fetch_day(server, fetched, 2, range(11, 31))
    assert (first.feeds[0].new_entries, second.feeds[0].new_entries) == (20, 10)
    assert second.feeds[0].message == "10 new entries, 0 updated, 30 in the archive"
    assert second.entries == 30
    articles = ingest([fetched]).articles
    assert sorted(int(a.title.split(":")[0][5:]) for a in articles) == list(range(1, 31))
    assert build(fetched, tmp_path / "a") == 0
    assert len(coverage_titles(tmp_path / "a")) == 30
    # The same archive builds to the same bytes.
    assert build(fetched, tmp_path / "b") == 0
    assert markdown(tmp_path / "a") == markdown(tmp_path / "b")


def test_an_entry_updated_upstream_is_updated_in_place(server, tmp_path):
    fetch_day(server, tmp_path, 1, range(1, 6))
    edited = "The harbour council corrected its report on the ferry tunnel on Wednesday."
    result = fetch_day(server, tmp_path, 2, range(1, 6), edits={3: edited})
    assert result.feeds[0].message == "0 new entries, 1 updated, 5 in the archive"
    articles = {a.title: a for a in ingest([tmp_path]).articles}
    assert len(articles) == 5
    assert articles["Item 3: the bridge story"].text == edited
    db = sqlite3.connect(tmp_path / ARCHIVE_NAME)
    first_seen, updated = db.execute(
        "SELECT first_seen, updated FROM entries WHERE key = 'id:item-3'"
    ).fetchone()
    assert (first_seen, updated) == ("2026-12-01T10:00:00+00:00", "2026-12-02T10:00:00+00:00")
    # Unchanged again on day 3: nothing updated.
    again = fetch_day(server, tmp_path, 3, range(1, 6), edits={3: edited})
    assert again.feeds[0].status == "unchanged"


def test_entries_are_keyed_by_id_else_link_else_title_and_date(server, tmp_path):
    def feed(items: str) -> bytes:
        return (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>Keys</title>'
            f"<link>{server.base}/</link>{items}</channel></rss>"
        ).encode()

    text = item_text(1)
    day_one = feed(
        f"<item><guid>a</guid><link>{server.base}/one</link><description>{text} one</description></item>"
        f"<item><link>{server.base}/two</link><description>{text} two</description></item>"
        "<item><title>Three</title><pubDate>Tue, 01 Dec 2026 09:00:00 GMT</pubDate>"
        f"<description>{text} three</description></item>"
    )
    # Day two: the same three entries, each with something changed but its key.
    day_two = feed(
        f"<item><guid>a</guid><link>{server.base}/one-moved</link><description>{text} one!</description></item>"
        f"<item><link>{server.base}/two</link><title>Two has a title now</title><description>{text} two</description></item>"
        "<item><title>Three</title><pubDate>Tue, 01 Dec 2026 09:00:00 GMT</pubDate>"
        f"<description>{text} three, revised</description></item>"
    )
    url = f"{server.base}/keys.xml"
    server.serve("/keys.xml", day_one)
    fetch_feeds([url], tmp_path, FAST, now=day(1))
    server.serve("/keys.xml", day_two)
    result = fetch_feeds([url], tmp_path, FAST, now=day(2))
    assert result.feeds[0].message == "0 new entries, 3 updated, 3 in the archive"
    keys = [
        row[0]
        for row in sqlite3.connect(tmp_path / ARCHIVE_NAME).execute(
            "SELECT key FROM entries ORDER BY key"
        )
    ]
    assert keys[0].startswith("hash:") and keys[1:] == ["id:a", f"link:{server.base}/two"]


def test_an_undated_entry_gets_its_first_seen_date_and_the_page_says_so(server, tmp_path):
    fetched = tmp_path / "fetched"
    fetch_day(server, fetched, 1, [1], dated=False)
    fetch_day(server, fetched, 2, [1], dated=False)  # seen again: the first sight stays
    [article] = ingest([fetched]).articles
    assert article.date == datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    assert article.extra("date_from") == "first-seen"
    assert build(fetched, tmp_path / "site") == 0
    [story] = (tmp_path / "site" / "docs" / "stories").glob("*.md")
    assert (
        ' · first seen <time datetime="2026-12-01T10:00:00+00:00">2026-12-01 10:00 UTC</time>,'
        " the feed gave no date · " in story.read_text(encoding="utf-8")
    )


def test_retention_limits_what_is_published_never_what_is_kept(server, tmp_path):
    fetched = tmp_path / "fetched"
    fetch_day(server, fetched, 1, range(1, 4))
    server.serve("/feed.xml", rss(server.base, range(40, 43)).replace(b"Dec 2026", b"Dec 2027"))
    fetch_feeds([f"{server.base}/feed.xml"], fetched, FAST, now=day(400))
    out = tmp_path / "site"
    (tmp_path / "settings.yml").write_text("retention_days: 30\n", encoding="utf-8")
    assert build(fetched, out, "--settings", str(tmp_path / "settings.yml")) == 0
    assert len(coverage_titles(out)) == 3  # a year on, only the new items are published
    assert len(ingest([fetched]).articles) == 6  # and every item is still kept
    assert FeedArchive.open(fetched).count() == 6


def old_folder(server, folder: Path, url: str, etag: str) -> None:
    """What an earlier version left: the feed saved as a file, its validators beside it."""
    folder.mkdir()
    name = feed_filename(url)
    (folder / name).write_bytes(rss(server.base, range(1, 21)))
    os.utime(folder / name, (DAY_ONE.timestamp(), DAY_ONE.timestamp()))
    (folder / ".newsdigest-fetch.json").write_text(
        json.dumps({url: {"file": name, "etag": etag, "last_modified": None}}), encoding="utf-8"
    )


def test_an_earlier_folder_of_feed_files_is_imported_with_its_ids(server, tmp_path, capsys):
    url = f"{server.base}/feed.xml"
    fetched = tmp_path / "fetched"
    old_folder(server, fetched, url, '"old"')
    old_ids = sorted(a.id for a in ingest([fetched]).articles)
    server.serve("/feed.xml", rss(server.base, range(11, 31)), ETag='"new"')
    subs = tmp_path / "feeds.yml"
    subs.write_text(f"- {url}\n", encoding="utf-8")
    assert run(["fetch", str(subs), "--out", str(fetched), "--delay", "0", "--retries", "0"]) == 0
    err = capsys.readouterr().err
    assert (
        f"imported 1 feed files of an earlier fetch (20 entries) into {fetched / ARCHIVE_NAME}"
        in err
    )
    assert "10 new entries, 0 updated, 30 in the archive" in err
    assert server.headers_for("/feed.xml")[0]["If-None-Match"] == '"old"'
    assert sorted(p.name for p in fetched.iterdir()) == [".imported", ARCHIVE_NAME]
    assert sorted(p.name for p in (fetched / ".imported").iterdir()) == [
        ".newsdigest-fetch.json",
        feed_filename(url),
    ]
    articles = ingest([fetched]).articles
    assert len(articles) == 30
    # The same entries keep the ids they had (editors' takedowns still apply).
    assert set(old_ids) <= {a.id for a in articles}
    # Imported once: a second run does not import again.
    assert run(["fetch", str(subs), "--out", str(fetched), "--delay", "0", "-q"]) == 0
    assert "imported" not in capsys.readouterr().err


@pytest.mark.parametrize("damage", ["garbage", "truncated", "foreign", "newer"])
def test_a_damaged_archive_is_reported_and_left_alone(server, tmp_path, damage, capsys):
    fetched = tmp_path / "fetched"
    fetch_day(server, fetched, 1, range(1, 21))
    path = fetched / ARCHIVE_NAME
    if damage == "garbage":
        path.write_bytes(b"this is not a database at all" * 100)
    elif damage == "truncated":
        data = path.read_bytes()
        path.write_bytes(data[:4096] + b"\x00" * 1024 + data[8192:])
    elif damage == "foreign":
        path.unlink()
        sqlite3.connect(path).executescript("CREATE TABLE notes (text TEXT);")
    else:
        sqlite3.connect(path).execute("PRAGMA user_version = 2")
    before = path.read_bytes()
    with pytest.raises(ArchiveError) as error:
        FeedArchive.open(fetched)
    message = str(error.value)
    subs = tmp_path / "feeds.yml"
    subs.write_text(f"- {server.base}/feed.xml\n", encoding="utf-8")
    assert run(["fetch", str(subs), "--out", str(fetched), "--delay", "0"]) == 1
    printed = capsys.readouterr().err.splitlines()
    assert printed == [message]  # one line, with what to do
    assert path.read_bytes() == before  # never replaced
    if damage in ("garbage", "truncated"):
        assert message.startswith(f"{path}: the archive is damaged (")
        assert f"sqlite3 {path} .recover | sqlite3 recovered.sqlite" in message
    elif damage == "foreign":
        assert "not a newsdigest feed archive" in message
    else:
        assert "written by a newer newsdigest (archive schema 2" in message
    # The build reports it and goes on with the other input.
    (fetched / "note.md").write_text("---\ntitle: A note\n---\n" + item_text(99), encoding="utf-8")
    result = ingest([fetched])
    assert len(result.articles) == 1
    [problem] = result.problems
    assert problem.origin == f"fetched/{ARCHIVE_NAME}" and problem.action == "skipped"


def test_an_interrupted_fetch_leaves_the_archive_as_it_was(server, tmp_path):
    fetch_day(server, tmp_path, 1, range(1, 6))
    archive = FeedArchive.open(tmp_path)
    original = archive._store_entry
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt  # Ctrl-C in the middle of a feed
        return original(*args, **kwargs)

    archive._store_entry = failing
    from newsdigest.feed_archive import entries_of, parse_feed

    info, entries = entries_of(parse_feed(rss(server.base, range(3, 9))))
    with pytest.raises(KeyboardInterrupt):
        archive.store(f"{server.base}/feed.xml", info, entries, (None, None), day(2)())
    archive.close()
    assert len(ingest([tmp_path]).articles) == 5


KILLER = """
import os, signal, sys
from datetime import datetime, UTC
from pathlib import Path
from newsdigest import feed_archive
from newsdigest.fetch import FetchSettings, fetch_feeds

original = feed_archive.FeedArchive._store_entry
stored = []

def store_then_die(self, *args, **kwargs):
    outcome = original(self, *args, **kwargs)
    stored.append(outcome)
    if len(stored) == 7:  # inside the second feed's transaction
        os.kill(os.getpid(), signal.SIGKILL)
    return outcome

feed_archive.FeedArchive._store_entry = store_then_die
fetch_feeds(sys.argv[2:], Path(sys.argv[1]), FetchSettings(timeout=5, retries=0, delay=0),
            now=lambda: datetime(2026, 12, 2, 10, tzinfo=UTC))
"""


def test_the_archive_survives_a_killed_fetch(server, tmp_path):
    fetched = tmp_path / "fetched"
    fetch_day(server, fetched, 1, range(1, 21))
    server.serve("/feed.xml", rss(server.base, range(11, 31)))
    script = tmp_path / "killer.py"
    script.write_text(textwrap.dedent(KILLER), encoding="utf-8")
    urls = [f"{server.base}/other.xml", f"{server.base}/feed.xml"]
    # The first feed (5 entries) is committed; the kill comes inside the second's transaction.
    server.serve("/other.xml", rss(server.base, range(50, 55), title="Other Gazette"))
    done = subprocess.run(
        [sys.executable, str(script), str(fetched), *urls], capture_output=True, timeout=120
    )
    assert done.returncode == -9, done.stderr.decode()
    assert (fetched / f"{ARCHIVE_NAME}-journal").exists()  # killed mid-transaction
    result = ingest([fetched])
    assert result.problems == []
    titles = sorted(a.title for a in result.articles)
    assert len(titles) == 25  # day one's 20 and the other feed's 5, none of the half-done feed
    # The next run completes what the killed one began.
    again = fetch_feeds(urls, fetched, FAST, now=day(3))
    assert [r.new_entries for r in again.feeds] == [0, 10] and again.entries == 35
    assert sorted(p.name for p in fetched.iterdir()) == [ARCHIVE_NAME]
