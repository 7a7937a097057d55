"""A `--jobs 2` build's worker processes never outlive it, however it is stopped."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import WORDS


def children(pid: int) -> set[int]:
    """The processes whose parent is ``pid`` (Linux: /proc)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode("utf-8", "replace")
    except OSError:
        return ""


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """Enough invented articles that the per-article stage runs on the workers a while."""
    folder = tmp_path / "in"
    folder.mkdir()
    with (folder / "many.jsonl").open("w", encoding="utf-8") as out:
        for i in range(6000):
            text = " ".join(
                f"The {WORDS[(i + j) % 12]} report {i}-{j} named the {WORDS[(i * j) % 12]} again."
                for j in range(30)
            )
            out.write(json.dumps({"id": f"a{i}", "title": f"Report {i}", "text": text}) + "\n")
    return folder


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL])
def test_workers_die_with_their_build(corpus: Path, tmp_path: Path, signum: int):
    options = ["--input", str(corpus), "--out", str(tmp_path / "out"), "--topics", str(tmp_path)]
    build = subprocess.Popen(
        [sys.executable, "-m", "newsdigest", "build", "-q", "--jobs", "2", "--no-cache", *options],
        stderr=subprocess.DEVNULL,
    )
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 120
        while len(workers) < 2 and time.monotonic() < deadline and build.poll() is None:
            workers = children(build.pid)
            time.sleep(0.05)
        assert len(workers) >= 2, "the build never started its workers"
        time.sleep(0.5)  # the workers are busy with their batches
        os.kill(build.pid, signum)
        build.wait(timeout=60)
        deadline = time.monotonic() + 15
        while any(alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [w for w in workers if alive(w)], "workers outlived the build"
    finally:
        if build.poll() is None:
            build.kill()
            build.wait()
        for worker in workers:  # never leave one behind, even when the test fails
            if alive(worker) and str(tmp_path) in _command(worker):  # not a reused pid
                os.kill(worker, signal.SIGKILL)
