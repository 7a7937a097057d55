"""`newsdigest serve`, the editor's loop: a topic edit rebuilds the digest and the browser
reloads; a broken topic file prints its error and the last good site stays served."""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from newsdigest.lock import lock_path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str, timeout: float = 10) -> str:
    with urllib.request.urlopen(url, timeout=timeout) as response:  # only 127.0.0.1
        return response.read().decode("utf-8")


class Serving:
    """`newsdigest serve` in a process of its own; its stderr collected line by line."""

    def __init__(self, *argv: str):
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "newsdigest", "serve", *argv],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, check, what: str, timeout: float = 120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "\n".join(self.lines)
            try:
                result = check()
            except OSError:
                result = None
            if result:
                return result
            time.sleep(0.2)
        raise AssertionError(f"no {what} in {timeout} s:\n" + "\n".join(self.lines))

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.reader.join(timeout=10)
        return self.process.returncode


def test_serve_rebuilds_on_a_topic_edit_and_keeps_the_last_good_site(tmp_path):
    topics = tmp_path / "topics"
    shutil.copytree(ROOT / "topics", topics)
    out, port = tmp_path / "out", free_port()
    base = f"http://127.0.0.1:{port}"
    serving = Serving(
        *("--input", str(ROOT / "seeds"), "--out", str(out), "--topics", str(topics)),
        *("--settings", str(ROOT / "newsdigest.yml"), "--templates", str(ROOT / "site_templates")),
        *("--mkdocs", str(ROOT / "mkdocs.yml"), "--registry", str(tmp_path / "registry.json")),
        *("--dev-addr", f"127.0.0.1:{port}"),
    )
    try:
        page = serving.wait_for(lambda: get(f"{base}/topics/russia/"), "first site")
        assert "<h1" in page and "Russia" in page and "Kremlin" in page
        epoch = re.search(r"livereload\((\d+),", page).group(1)  # the browser's reload poll

        russia = topics / "russia.yml"
        russia.write_text(
            russia.read_text(encoding="utf-8").replace(
                "The Kremlin, its wars and its diplomacy.", "Moscow's power, seen from outside."
            ),
            encoding="utf-8",
        )
        # What the page's script asks: it answers once a newer site is built (the reload).
        newer = get(f"{base}/livereload/{epoch}/1", timeout=90)
        assert int(newer) > int(epoch)
        page = get(f"{base}/topics/russia/")
        assert "Moscow&#39;s power, seen from outside." in page or "Moscow's power" in page
        assert "Moscow's power" in (out / "docs" / "topics" / "russia.md").read_text("utf-8")

        russia.write_text("name: Russia\nmatch:\n  anyy: [Moscow]\n", encoding="utf-8")
        serving.wait_for(
            lambda: any("still serving the last good site" in line for line in serving.lines),
            "message about the broken topic file",
        )
        assert any("russia.yml:3: match.anyy: unknown key" in line for line in serving.lines)
        assert "Moscow's power" in get(f"{base}/topics/russia/")
        assert "Moscow's power" in (out / "docs" / "topics" / "russia.md").read_text("utf-8")
    finally:
        code = serving.stop()
    assert code == 0, "\n".join(serving.lines)
    assert not lock_path(out).exists()
    assert "Traceback" not in "\n".join(serving.lines)
