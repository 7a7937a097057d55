"""``newsdigest fetch``: download subscribed feeds into an input folder."""

from __future__ import annotations

from pathlib import Path

import click

from . import main
from .common import console as make_console
from .common import verbosity_options


@main.command()
@click.argument("subscriptions", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("fetched"),
    show_default=True,
    help="Input folder the feeds are saved into (for `build --input`).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(0.1),
    default=15.0,
    show_default=True,
    help="Seconds to wait for a server.",
)
@click.option(
    "--retries",
    type=click.IntRange(0, 10),
    default=3,
    show_default=True,
    help="Extra attempts on 5xx, 429 and network errors (with back-off).",
)
@click.option(
    "--delay",
    type=click.FloatRange(0),
    default=1.0,
    show_default=True,
    help="Seconds between two requests to one host.",
)
@verbosity_options
def fetch(subscriptions, out, timeout, retries, delay, quiet, verbose):
    """Download the feeds listed in SUBSCRIPTIONS (YAML) into an input folder.

    Exit 1 when no feed could be fetched (a failed feed keeps its previous copy).
    """
    from ..fetch import FetchSettings, fetch_feeds, load_subscriptions

    console = make_console(quiet, verbose)
    urls = load_subscriptions(subscriptions)
    results = fetch_feeds(
        urls, out, FetchSettings(timeout=timeout, retries=retries, delay=delay), log=console.detail
    )
    for result in results:
        if result.status in ("failed", "disallowed"):
            console.error(str(result))
    counts = {
        s: sum(r.status == s for r in results)
        for s in ("new", "updated", "unchanged", "failed", "disallowed")
    }
    console.info(
        f"fetched {len(results)} feeds into {out}/: "
        + ", ".join(f"{n} {s}" for s, n in counts.items())
    )
    if results and counts["failed"] + counts["disallowed"] == len(results):
        raise SystemExit(1)
