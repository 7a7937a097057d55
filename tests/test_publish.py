"""Publishing: a build publishes build/ and site/ together or not at all.

A build that fails at any stage (input, digest, MkDocs), is interrupted or killed leaves
the last good output byte for byte; two builds into one folder cannot interleave; a
killed build's lock is taken over; --out is refused where it would read its own output,
delete files newsdigest did not write, or cannot be written.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from newsdigest.cli import run
from newsdigest.errors import EXIT_LOCKED
from newsdigest.lock import LockHeld, OutputLock, lock_path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FIXTURE = ROOT / "tests" / "fixtures" / "site"


def args(base: Path, *extra: str, inputs: Path = SEEDS, topics: Path = ROOT / "topics") -> list:
    """`newsdigest build` into base/out and base/site, reading nothing from base."""
    return [
        "build",
        "-q",
        "--input",
        str(inputs),
        "--out",
        str(base / "out"),
        "--site-dir",
        str(base / "site"),
        "--topics",
        str(topics),
        "--settings",
        str(ROOT / "newsdigest.yml"),
        "--templates",
        str(ROOT / "site_templates"),
        "--mkdocs",
        str(ROOT / "mkdocs.yml"),
        "--registry",
        str(base / "registry.json"),
        *extra,
    ]


def tree(base: Path) -> dict[str, bytes]:
    """Every file under base (out/, site/, the registry, and anything left beside them)."""
    return {
        p.relative_to(base).as_posix(): p.read_bytes()
        for p in sorted(base.rglob("*"))
        if p.is_file() or p.is_symlink()
    }


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """The seeds published with their site: the 'last good' output each test starts from."""
    base = tmp_path_factory.mktemp("published")
    assert run(args(base, "--site")) == 0
    assert (base / "site" / "index.html").is_file() and (base / "registry.json").is_file()
    return base


@pytest.fixture
def base(published, tmp_path):
    copy = tmp_path / "base"
    shutil.copytree(published, copy, symlinks=True)
    return copy


def run_child(code: str, *argv: str, wait: bool = True, **kwargs):
    """Python ``code`` in a new process (argv: sys.argv[1:]), as a build on its own would be."""
    command = [sys.executable, "-c", textwrap.dedent(code), *argv]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    if wait:
        return subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, **kwargs
    )


BUILD = """
import sys
from newsdigest.cli import run
sys.exit(run(sys.argv[1:]))
"""


# --- a failed build publishes nothing --------------------------------------------------------


def test_unreadable_input_leaves_the_output_as_it_was(base, tmp_path, capsys):
    before = tree(base)
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run(args(base, "--site", inputs=empty)) == 1
    err = capsys.readouterr().err
    assert "no article could be read from the input" in err
    assert "out/ and " in err and "site/: left as they were (nothing was published)" in err
    assert tree(base) == before
    assert sorted(p.name for p in base.iterdir()) == ["out", "registry.json", "site"]


def test_fail_on_skip_publishes_nothing(base, tmp_path, capsys):
    before = tree(base)
    articles = tmp_path / "in"
    shutil.copytree(SEEDS, articles)
    (articles / "empty.txt").write_bytes(b"")
    assert run(args(base, "--fail-on-skip", inputs=articles)) == 1
    assert "--fail-on-skip: 1 input(s) skipped" in capsys.readouterr().err
    assert tree(base) == before


def test_a_broken_topic_file_leaves_the_output_as_it_was(base, tmp_path, capsys):
    before = tree(base)
    topics = tmp_path / "topics"
    shutil.copytree(ROOT / "topics", topics)
    (topics / "russia.yml").write_text("name: Russia\nmatch:\n  anyy: [Moscow]\n", "utf-8")
    assert run(args(base, "--site", topics=topics)) == 3
    err = capsys.readouterr().err
    assert "russia.yml:3: match.anyy: unknown key" in err and "left as they were" in err
    assert tree(base) == before


def test_a_template_that_fails_is_one_message_and_publishes_nothing(base, tmp_path, capsys):
    before = tree(base)
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "site_templates", templates)
    with (templates / "index.md.j2").open("a", encoding="utf-8") as page:
        page.write("{{ no_such_value.anything }}\n")
    code = run([*args(base, "--site"), "--templates", str(templates)])
    err = capsys.readouterr().err
    assert code == 1
    assert "template error: index.md.j2" in err and "no_such_value" in err
    assert "Traceback" not in err and "left as they were" in err
    assert tree(base) == before


def test_a_mkdocs_warning_fails_the_build_and_publishes_nothing(base, tmp_path, capsys):
    """Strict for real: MkDocs' own --strict --quiet lets this through with exit code 0."""
    before = tree(base)
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "site_templates", templates)
    with (templates / "index.md.j2").open("a", encoding="utf-8") as page:
        page.write("\n[a page that is not there](nowhere.md)\n")
    assert run([*args(base, "--site"), "--templates", str(templates)]) == 1
    err = capsys.readouterr().err
    assert "mkdocs: warning: Doc file 'index.md' contains a link 'nowhere.md'" in err
    assert "mkdocs: the site was not built: 1 warning" in err and "left as they were" in err
    assert tree(base) == before


def test_a_registry_is_saved_only_with_a_published_build(base, tmp_path):
    registry = base / "registry.json"
    registry.write_text('{"stories": {}, "redirects": {"old": "gone"}}\n', encoding="utf-8")
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run(args(base, inputs=empty)) == 1
    assert json.loads(registry.read_text())["redirects"] == {"old": "gone"}
    assert run(args(base)) == 0
    assert json.loads(registry.read_text())["stories"]


def test_a_successful_build_replaces_both_and_leaves_nothing_beside(base, tmp_path, capsys):
    assert run(args(base, "--site", inputs=FIXTURE / "articles", topics=FIXTURE / "topics")) == 0
    assert sorted(p.name for p in base.iterdir()) == ["out", "registry.json", "site"]
    stories = {p.stem for p in (base / "out" / "docs" / "stories").glob("*.md")}
    built = {p.name for p in (base / "site" / "stories").iterdir()}
    assert len(stories) == 4 and stories == built  # the seeds' story is gone from both
    manifest = json.loads((base / "out" / ".newsdigest-manifest.json").read_text())
    assert manifest["site_dir"] == "../site" and "mkdocs.yml" in manifest["files"]
    config = (base / "out" / "mkdocs.yml").read_text(encoding="utf-8")
    assert "site_dir: ../site" in config and ".newsdigest-new" not in config


# --- interrupted and killed builds -----------------------------------------------------------


def test_sigterm_during_the_build_leaves_the_output_and_no_lock(base):
    before = tree(base)
    child = run_child(BUILD, *args(base, "--site"), wait=False)
    staging = base / ".site.newsdigest-new"
    deadline = time.monotonic() + 120
    while not staging.exists() and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    child.send_signal(signal.SIGTERM)
    _, err = child.communicate(timeout=60)
    assert child.returncode == 128 + signal.SIGTERM, err
    assert "interrupted: " in err and "left as they were" in err
    assert tree(base) == before
    assert sorted(p.name for p in base.iterdir()) == ["out", "registry.json", "site"]


def test_a_killed_build_leaves_the_output_and_the_next_build_takes_its_lock_over(base, capsys):
    before = tree(base)
    child = run_child(BUILD, *args(base, "--site"), wait=False)
    staging = base / ".out.newsdigest-new" / "docs" / "index.md"
    deadline = time.monotonic() + 120
    while not staging.exists() and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    child.kill()  # SIGKILL: nothing runs, so the lock file and staging folders stay
    child.communicate(timeout=60)
    assert child.returncode == -signal.SIGKILL
    left = tree(base)
    assert {k: v for k, v in left.items() if ".newsdigest-" not in k.split("/")[0]} == before
    assert lock_path(base / "out").exists()  # with the dead build's name in it
    assert run(args(base)) == 0
    err = capsys.readouterr().err
    assert f"pid {child.pid}" in err and "stopped without finishing; lock taken over" in err
    assert sorted(p.name for p in base.iterdir()) == ["out", "registry.json", "site"]


KILL_AFTER_FIRST_SWAP = """
import os, signal, sys
from newsdigest import outputs
from newsdigest.cli import run

swap = outputs._swap
def swap_then_die(folder):
    swap(folder)
    os.kill(os.getpid(), signal.SIGKILL)  # between build/'s swap and site/'s
outputs._swap = swap_then_die
sys.exit(run(sys.argv[1:]))
"""


def test_a_build_killed_while_swapping_is_completed_by_the_next(base, capsys):
    fixture = args(base, "--site", inputs=FIXTURE / "articles", topics=FIXTURE / "topics")
    child = run_child(KILL_AFTER_FIRST_SWAP, *fixture)
    assert child.returncode == -signal.SIGKILL
    # Half swapped: out/ is the fixture's, site/ still the seeds'; the lock says so.
    assert (base / ".site.newsdigest-new").is_dir()
    assert "swap" in lock_path(base / "out").read_text()
    assert run(args(base)) == 0  # the seeds again, without the site
    err = capsys.readouterr().err
    assert "stopped while publishing; its swap is now complete" in err
    # The killed build's site was published: the fixture's stories, not the seeds' one.
    assert len(list((base / "site" / "stories").iterdir())) == 4
    assert sorted(p.name for p in base.iterdir()) == ["out", "registry.json", "site"]


# --- one build at a time ---------------------------------------------------------------------


HOLD_THE_LOCK = """
import sys, time
from pathlib import Path
from newsdigest import pipeline
from newsdigest.cli import run

build_digest = pipeline.build_digest
def slow(*args, **kwargs):
    Path(sys.argv[1]).touch()  # the lock is held now
    while Path(sys.argv[1]).exists():
        time.sleep(0.02)
    return build_digest(*args, **kwargs)
pipeline.build_digest = slow
sys.exit(run(sys.argv[2:]))
"""


def test_a_second_build_into_the_same_output_fails_at_once(base, tmp_path, capsys):
    holding = tmp_path / "holding"
    first = run_child(HOLD_THE_LOCK, str(holding), *args(base), wait=False)
    try:
        deadline = time.monotonic() + 120
        while not holding.exists() and first.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        before = tree(base / "out")
        started = time.monotonic()
        assert run(args(base, "--site")) == EXIT_LOCKED
        assert time.monotonic() - started < 5
        err = capsys.readouterr().err
        assert f"another build is writing it: pid {first.pid} on " in err
        assert "newsdigest" in err and "Try again when it has finished" in err
        assert tree(base / "out") == before
    finally:
        holding.unlink(missing_ok=True)
        _, first_err = first.communicate(timeout=120)
    assert first.returncode == 0, first_err
    assert not lock_path(base / "out").exists()


def test_a_stale_lock_of_a_dead_process_is_taken_over(base, capsys):
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], text=True, capture_output=True
    ).stdout.strip()
    lock_path(base / "out").write_text(json.dumps({"pid": int(dead), "host": "elsewhere"}))
    (base / ".out.newsdigest-new").mkdir()
    (base / ".out.newsdigest-new" / "half.md").write_text("half", encoding="utf-8")
    assert run(args(base)) == 0
    err = capsys.readouterr().err
    assert f"pid {dead} on elsewhere" in err and "its unfinished folder removed" in err
    assert sorted(p.name for p in base.iterdir()) == ["out", "registry.json", "site"]


def test_one_process_cannot_take_its_own_lock_twice(tmp_path):
    held = OutputLock(tmp_path / "out").acquire()
    try:
        with pytest.raises(LockHeld, match=f"pid {os.getpid()}"):
            OutputLock(tmp_path / "out").acquire()
    finally:
        held.release()
    OutputLock(tmp_path / "out").acquire().release()
    assert not lock_path(tmp_path / "out").exists()


# --- where the output may go -----------------------------------------------------------------


def refused(capsys, argv: list, *words: str) -> str:
    assert run(argv) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    for word in words:
        assert word in err, err
    return err


def test_out_inside_the_input_is_refused(tmp_path, capsys):
    articles = tmp_path / "in"
    shutil.copytree(SEEDS, articles)
    argv = [*args(tmp_path), "--input", str(articles), "--out", str(articles / "build")]
    refused(capsys, argv, "is inside the input", "read its own pages back in")
    assert not (articles / "build").exists()
    refused(capsys, [*args(tmp_path), "--out", str(SEEDS.parent)], "holds the input")


def test_out_that_is_a_file_is_refused(tmp_path, capsys):
    (tmp_path / "out").write_text("notes", encoding="utf-8")
    refused(capsys, args(tmp_path), "is a file")
    assert (tmp_path / "out").read_text() == "notes"


def test_out_at_an_existing_mkdocs_project_is_refused_unless_forced(tmp_path, capsys):
    project = tmp_path / "out"
    (project / "docs").mkdir(parents=True)
    (project / "docs" / "index.md").write_text("# My documentation\n", encoding="utf-8")
    (project / "mkdocs.yml").write_text("site_name: Mine\n", encoding="utf-8")
    before = tree(project)
    refused(capsys, args(tmp_path), "holds 2 files newsdigest did not write", "--force")
    assert tree(project) == before
    assert run([*args(tmp_path), "--force"]) == 0
    assert (project / ".newsdigest-manifest.json").exists()


def test_out_with_a_stranger_file_or_a_docs_symlink_is_refused(base, tmp_path, capsys):
    (base / "out" / "notes.txt").write_text("mine", encoding="utf-8")
    refused(capsys, args(base), "(notes.txt; not in its manifest)")
    (base / "out" / "notes.txt").unlink()
    elsewhere = tmp_path / "real-docs"
    elsewhere.mkdir()
    (elsewhere / "keep.md").write_text("keep", encoding="utf-8")
    shutil.rmtree(base / "out" / "docs")
    (base / "out" / "docs").symlink_to(elsewhere, target_is_directory=True)
    refused(capsys, args(base), "holds 1 file newsdigest did not write (docs;")
    assert (elsewhere / "keep.md").read_text() == "keep"


def test_a_site_dir_that_no_build_wrote_is_refused(tmp_path, capsys):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "family-photos.jpg").write_bytes(b"\xff\xd8")
    refused(capsys, args(tmp_path, "--site"), "--site-dir", "family-photos.jpg", "names no site")
    assert (tmp_path / "site" / "family-photos.jpg").exists()


def test_an_earlier_versions_output_is_accepted(tmp_path):
    """build/ and site/ as 0.2 wrote them (no manifest) are newsdigest's own."""
    old = tmp_path / "out"
    (old / "docs").mkdir(parents=True)
    (old / "docs" / "index.md").write_text("# Old\n", encoding="utf-8")
    (old / "mkdocs.yml").write_text(
        "# Generated by newsdigest: edit the project's mkdocs.yml instead.\nsite_dir: ../site\n",
        encoding="utf-8",
    )
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("old", encoding="utf-8")
    assert run(args(tmp_path)) == 0


def test_report_or_registry_inside_out_is_refused(tmp_path, capsys):
    out = tmp_path / "out"
    refused(capsys, [*args(tmp_path), "--report", str(out / "report.json")], "report.json")
    refused(capsys, [*args(tmp_path), "--registry", str(out / "r.json")], "r.json")


READ_ONLY = """
set -e
mount -t tmpfs -o ro tmpfs "$1"
shift
exec "$@"
"""


def test_a_read_only_out_is_one_line(tmp_path):
    """A read-only file system (a tmpfs mounted read-only in a private mount namespace)."""
    if not shutil.which("unshare"):
        pytest.skip("needs unshare(1) for a private read-only mount")
    place = tmp_path / "ro"
    place.mkdir()
    argv = [*args(place), "--cache-dir", str(tmp_path / "cache")]
    command = [
        "unshare",
        "-rm",
        "sh",
        "-c",
        READ_ONLY,
        "sh",
        str(place),
        sys.executable,
        "-c",
        BUILD,
        *argv,
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if "mount" in result.stderr and result.returncode != 2:
        pytest.skip(f"no private mount here: {result.stderr.strip()}")
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().endswith("cannot be written: Read-only file system")
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
