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
    help="Seconds for one request: connecting, headers and body together.",
)
@click.option(
    "--run-timeout",
    type=click.FloatRange(0),
    default=1800.0,
    show_default=True,
    help="Seconds for the whole run (0: no limit); feeds left over are not fetched.",
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
def fetch(subscriptions, out, timeout, run_timeout, retries, delay, quiet, verbose) -> None:
    """Download the feeds listed in SUBSCRIPTIONS (YAML) into an input folder.

    Exit 1 when no feed could be fetched (a failed feed keeps its previous copy).
    """
    from ..fetch import FeedResult, FetchSettings, fetch_feeds, load_subscriptions, summary

    console = make_console(quiet, verbose)
    urls = load_subscriptions(subscriptions)

    def report(result: FeedResult) -> None:  # each feed's line, once
        if result.status in ("failed", "disallowed"):
            console.error(str(result))
        else:
            console.detail(str(result))

    settings = FetchSettings(timeout=timeout, run_timeout=run_timeout, retries=retries, delay=delay)
    results = fetch_feeds(urls, out, settings, log=report)
    console.info(summary(results, out))
    failed = [r for r in results if r.status in ("failed", "disallowed")]
    if results and len(failed) == len(results):
        if all(r.network for r in failed):
            console.error(
                "no feed could be fetched: no host could be reached (is this machine "
                "offline?); the previous copies are kept"
            )
        raise SystemExit(1)
