"""The CI workflow's data branch (.github/data-branch.sh): the fetch archive and the story
registry restored from, and committed to, a branch of their own; tried against a bare
repository on disk standing in for GitHub."""

import os
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / ".github" / "data-branch.sh"
WORKFLOW = ROOT / ".github" / "workflows" / "publish.yml"


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


def script(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_TOKEN", "GITHUB_ACTIONS")}
    env.update(GIT_AUTHOR_NAME="CI", GIT_AUTHOR_EMAIL="ci@example.invalid")
    return subprocess.run(
        ["bash", str(SCRIPT), *args], cwd=cwd, capture_output=True, text=True, env=env
    )


@pytest.fixture
def checkout(tmp_path):
    """A clone of a repository with one commit on main, as actions/checkout leaves it."""
    origin = tmp_path / "origin.git"
    git("init", "--bare", "-q", "-b", "main", str(origin), cwd=tmp_path)
    work = tmp_path / "seed"
    git("clone", "-q", str(origin), str(work), cwd=tmp_path)
    (work / "README.md").write_text("code\n", encoding="utf-8")
    git("add", "README.md", cwd=work)
    git("-c", "user.name=a", "-c", "user.email=a@b", "commit", "-qm", "code", cwd=work)
    git("push", "-q", "origin", "HEAD:main", cwd=work)
    clone = tmp_path / "clone"
    git("clone", "-q", "--depth=1", f"file://{origin}", str(clone), cwd=tmp_path)
    return clone


def test_the_first_run_starts_the_branch_and_later_runs_keep_its_files(checkout, tmp_path):
    first = script("restore", cwd=checkout)
    assert first.returncode == 0, first.stderr
    assert "starting it" in first.stdout
    data = checkout / "data"
    assert sorted(p.name for p in data.iterdir() if p.name != ".git") == ["README.md"]
    (data / "fetched").mkdir()
    (data / "fetched" / "archive.sqlite").write_bytes(b"SQLite format 3\x00" + bytes(100))
    (data / "story-registry.json").write_text('{"stories": {}, "redirects": {}}\n', "utf-8")
    saved = script("save", "Run 1, fetched and built", cwd=checkout)
    assert saved.returncode == 0, saved.stderr

    # The next run: a fresh clone of main, then the branch restored with both files.
    again = tmp_path / "again"
    git("clone", "-q", "--depth=1", f"file://{tmp_path / 'origin.git'}", str(again), cwd=tmp_path)
    restored = script("restore", cwd=again)
    assert restored.returncode == 0, restored.stderr
    assert "Run 1, fetched and built" in restored.stdout
    assert (again / "data" / "fetched" / "archive.sqlite").read_bytes()[:6] == b"SQLite"
    assert (again / "data" / "story-registry.json").exists()
    # main is untouched; the branch holds the data only.
    origin = tmp_path / "origin.git"
    assert git("ls-tree", "--name-only", "main", cwd=origin) == "README.md"
    files = git("ls-tree", "-r", "--name-only", "newsdigest-data", cwd=origin).splitlines()
    assert files == ["README.md", "fetched/archive.sqlite", "story-registry.json"]

    unchanged = script("save", "Run 2", cwd=again)
    assert unchanged.returncode == 0 and "nothing changed" in unchanged.stdout
    (again / "data" / "story-registry.json").write_text('{"stories": {"a": ["1"]}}\n', "utf-8")
    assert script("save", "Run 3", cwd=again).returncode == 0
    log = git("log", "--format=%s", "newsdigest-data", cwd=origin).splitlines()
    assert log == ["Run 3", "Run 1, fetched and built"]


def test_the_workflow_keeps_the_archive_and_registry_on_the_data_branch():
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    steps = workflow["jobs"]["build"]["steps"]
    runs = " ".join(str(s.get("run", "")) for s in steps)
    assert 'make site INPUT="$DATA_DIR/fetched" REGISTRY="$DATA_DIR/story-registry.json"' in runs
    assert 'FETCHED="$DATA_DIR/fetched"' in runs and ".github/data-branch.sh save" in runs
    cached = [s["with"]["path"] for s in steps if "actions/cache@" in s.get("uses", "")]
    assert cached == [".cache/newsdigest"]  # the Actions cache holds nothing that must survive
    assert set(workflow[True]) == {"schedule", "workflow_dispatch"}  # YAML reads `on` as True
    assert all(
        "@" in s["uses"] and len(s["uses"].split("@")[1]) == 40 for s in steps if "uses" in s
    )
