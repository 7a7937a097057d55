"""``newsdigest fetch``: download subscribed feeds into the archive of an input folder."""

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
    help="Input folder whose archive.sqlite keeps every entry (for `build --input`).",
)
@click.option(
    "--full-text",
    is_flag=True,
    help="Also fetch each entry's linked page (once) and keep the article found on it.",
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
    help="Seconds for the whole run (0: no limit); pages left over wait for the next run.",
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
def fetch(
    subscriptions, out, full_text, timeout, run_timeout, retries, delay, quiet, verbose
) -> None:
    """Add the entries of the feeds listed in SUBSCRIPTIONS (YAML) to OUT/archive.sqlite.

    Exit 1 when no feed could be fetched (a failed feed leaves the archive as it was) or
    the archive cannot be used (it is never replaced).
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
    run = fetch_feeds(urls, out, settings, log=report, full_text=full_text, page_log=console.detail)
    if run.imported.files:
        console.info(
            f"imported {run.imported.files} feed files of an earlier fetch "
            f"({run.imported.entries} entries) into {run.archive}; "
            f"the files are now in {out / '.imported'}/"
        )
    for problem in run.imported.problems:
        console.error(problem)
    for line in summary(run):
        console.info(line)
    failed = [r for r in run.feeds if r.status in ("failed", "disallowed")]
    if run.feeds and len(failed) == len(run.feeds):
        if all(r.network for r in failed):
            console.error(
                "no feed could be fetched: no host could be reached (is this machine "
                "offline?); the archive is as it was"
            )
        raise SystemExit(1)
