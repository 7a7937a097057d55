"""What search costs a new reader, measured in Chromium (issue 20; BENCHMARKS.md, "Search").

Serves a built site without compression on 127.0.0.1 (as `make e2e` does) and, for
each query, in a fresh browser context (empty cache, as a new reader):

- opens the home page and waits until the network is idle: the home page's weight
  with search idle (every response body);
- clicks into the search box and types the query (50 ms between keys), then waits for
  the first result;
- bytes for search: every response from the search engine, its index and its UI
  (pagefind/, assets/newsdigest/, or Material's search worker and search_index.json)
  fetched from opening the page to the first result, not the page's HTML nor
  Material's CSS and JavaScript;
- first result: milliseconds from the last keystroke (its input event) to the first result for
  the whole query in the list, and from the click into the box (typing included).

`--throttle` adds a slow 4G link (1.6 Mbit/s down, 750 kbit/s up, 150 ms round trip)
and a 4x slower CPU, through the DevTools protocol.

    .venv/bin/python benchmarks/search.py SITE_DIR [--engine pagefind|material]
        [--query WORD ...] [--throttle] [--runs N]

Needs Debian's Chromium (/usr/bin/chromium, or CHROMIUM) and the e2e extra (Playwright).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import statistics
import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

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
SEARCH_PARTS = (
    "/pagefind/",
    "/assets/newsdigest/",
    "/search/search_index.json",
    "/assets/javascripts/workers/",
    "/assets/javascripts/lunr/",
)

# In the page: when the box was clicked, when the last key changed its text, and when the list
# first showed results after it (Pagefind's box also says which query the list answers:
# the whole query, not a prefix typed on the way).
WATCH = """query => {
  const bench = window.__bench = { click: 0, lastKey: 0, result: 0 };
  const box = document.querySelector("input.md-search__input");
  box.addEventListener("pointerdown", () => { bench.click = performance.now(); }, true);
  box.addEventListener("input", () => { bench.lastKey = performance.now(); }, true);
  const list = document.querySelector(".md-search-result__list");
  const check = () => {
    if (bench.result || box.value !== query || !bench.lastKey) return;
    const answers = list.dataset.query === undefined || list.dataset.query === query;
    if (answers && list.querySelector(".md-search-result__item")) bench.result = performance.now();
  };
  new MutationObserver(check).observe(list, { childList: true, subtree: true, attributes: true });
}"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def measure(browser, origin: str, query: str, throttle: bool, engine: str) -> dict:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    responses: list[tuple[str, int, str]] = []  # url, body bytes, phase
    phase = {"now": "home"}

    def on_response(response):
        length = response.headers.get("content-length")
        size = int(length) if length is not None else len(response.body())
        responses.append((response.url, size, phase["now"]))

    page.on("response", on_response)
    if throttle:
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": 150,
                "downloadThroughput": 1.6e6 / 8,
                "uploadThroughput": 750e3 / 8,
            },
        )
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    page.goto(origin + "/", wait_until="load")
    page.wait_for_load_state("networkidle", timeout=600_000)
    home = sum(size for _, size, _ in responses)
    home_search = sum(size for url, size, _ in responses if any(p in url for p in SEARCH_PARTS))
    phase["now"] = "search"
    page.evaluate(WATCH, query)
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially(query, delay=50)
    page.wait_for_function("window.__bench.result > 0", timeout=600_000, polling=10)
    timing = page.evaluate("window.__bench")
    search_bytes = sum(size for url, size, _ in responses if any(p in url for p in SEARCH_PARTS))
    fetched = [
        (url.replace(origin, ""), size)
        for url, size, _ in responses
        if any(p in url for p in SEARCH_PARTS)
    ]
    first = page.locator(".md-search-result__item").first.inner_text().split("\n")[0]
    context.close()
    return {
        "query": query,
        "home_bytes": home,
        "home_search_bytes": home_search,
        "search_bytes": search_bytes,
        "requests_for_search": len(fetched),
        "after_last_key_ms": round(timing["result"] - timing["lastKey"]),
        "from_click_ms": round(timing["result"] - timing["click"]),
        "first_result": first[:70],
        "fetched": fetched if engine == "pagefind" else fetched[:5],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--engine", choices=["pagefind", "material"], default="pagefind")
    parser.add_argument(
        "--query", action="append", help="default: a prefix, a name and a common word"
    )
    parser.add_argument("--throttle", action="store_true")
    parser.add_argument(
        "--runs", type=int, default=1, help="fresh contexts per query (medians reported)"
    )
    parser.add_argument("--json", type=Path, help="write every run here too")
    args = parser.parse_args(argv)
    queries = args.query or ["Kreml", "Putin", "election results"]
    handler = functools.partial(_Quiet, directory=str(args.site.resolve()))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{httpd.server_address[1]}"
    runs = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                headless=True,
                args=CHROMIUM_ARGS,
            )
            for query in queries:
                for _ in range(args.runs):
                    runs.append(measure(browser, origin, query, args.throttle, args.engine))
            browser.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
    print(
        f"{'query':<20} {'home KB':>8} {'search KB':>9} {'reqs':>4} {'after key ms':>12} "
        f"{'from click ms':>13}  first result"
    )
    for query in queries:
        mine = [r for r in runs if r["query"] == query]
        med = {
            k: statistics.median(r[k] for r in mine)
            for k in (
                "home_bytes",
                "search_bytes",
                "requests_for_search",
                "after_last_key_ms",
                "from_click_ms",
            )
        }
        print(
            f"{query:<20} {med['home_bytes'] / 1000:>8.1f} {med['search_bytes'] / 1000:>9.1f} "
            f"{med['requests_for_search']:>4.0f} {med['after_last_key_ms']:>12.0f} "
            f"{med['from_click_ms']:>12.0f}"
            f"  {mine[0]['first_result']}"
        )
    if args.json:
        args.json.write_text(json.dumps(runs, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
