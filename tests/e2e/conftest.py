"""Browser tests: the built site served on 127.0.0.1 and driven by Debian's Chromium
through Playwright. Run by `make e2e`, not by `make test` (they carry the e2e marker,
which pytest's addopts deselect).

A missing browser or Playwright is a failure with instructions, never a skip: in CI
these tests must run. CHROMIUM overrides the browser path (default /usr/bin/chromium).
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

from newsdigest.cli import run

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "site"
# Screenshots go to .cache/ (not tracked; not build/, which each build replaces whole):
# every run renders slightly different pixels. `make screenshots` writes the tracked ones
# the README shows (tests/e2e/screenshots/).
SCREENSHOTS = Path(os.environ.get("E2E_SCREENSHOTS", ROOT / ".cache" / "e2e-screenshots"))
SCREENSHOTS.mkdir(parents=True, exist_ok=True)
# What this machine's Chromium needs (see the environment notes): no sandbox as root,
# no GPU, and no background connections to Google's hosts, which a closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
# The site that the fixture corpus builds is published under a sub-path of this URL.
SUB_PATH = "/digest/"
SITE_URL = "https://news.example" + SUB_PATH


def build_site(base: Path, articles: Path, topics: Path, site_url: str | None = None) -> Path:
    """`newsdigest build --site` into base/out and base/site (strict: a warning fails)."""
    mkdocs = ROOT / "mkdocs.yml"
    if site_url:
        text = mkdocs.read_text(encoding="utf-8")
        text = text.replace(
            "site_name: News digest", f"site_name: News digest\nsite_url: {site_url}", 1
        )
        text = text.replace("custom_dir: overrides", f"custom_dir: {ROOT / 'overrides'}", 1)
        mkdocs = base / "base-mkdocs.yml"
        mkdocs.write_text(text, encoding="utf-8")
    out, site = base / "out", base / "site"
    code = run(
        [
            "build",
            "-q",
            "--site",
            "--input",
            str(articles),
            "--topics",
            str(topics),
            "--out",
            str(out),
            "--settings",
            str(base / "absent.yml"),
            "--templates",
            str(ROOT / "site_templates"),
            "--mkdocs",
            str(mkdocs),
            "--site-dir",
            str(site),
        ]
    )
    assert code == 0
    return site


class Server:
    """A static file server on 127.0.0.1 (a free port) in a thread."""

    def __init__(self, root: Path):
        handler = functools.partial(_QuietHandler, directory=str(root))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.origin = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="session")
def seeds_site(tmp_path_factory):
    """The seeds' site, served at the server's root: (base URL, site folder)."""
    site = build_site(tmp_path_factory.mktemp("seeds"), ROOT / "seeds", ROOT / "topics")
    server = Server(site)
    yield server.origin + "/", site
    server.close()


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory):
    """The fixture corpus' site with site_url set, served from the sub-path /digest/."""
    served = tmp_path_factory.mktemp("served")
    site = build_site(
        tmp_path_factory.mktemp("fixture"), FIXTURE / "articles", FIXTURE / "topics", SITE_URL
    )
    shutil.copytree(site, served / SUB_PATH.strip("/"))
    server = Server(served)
    yield server.origin + SUB_PATH, served / SUB_PATH.strip("/")
    server.close()


@pytest.fixture(scope="session")
def browser():
    executable = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not Path(executable).exists():
        pytest.fail(
            f"no Chromium at {executable}: install Debian's with "
            "`apt-get install chromium chromium-driver`, or set CHROMIUM to the browser's path"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail(
            "Playwright is not installed: `make e2e` installs the e2e extra "
            "(pip install -e '.[e2e]')"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh page that records every request it makes, script errors and failed responses."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.requests = []  # type: ignore[attr-defined]
    page.errors = []  # type: ignore[attr-defined]
    page.on("request", lambda request: page.requests.append(request.url))
    page.failed = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on(
        "response",
        lambda response: page.failed.append(response.url) if response.status >= 400 else None,
    )
    yield page
    context.close()
