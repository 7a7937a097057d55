"""``newsdigest build``, ``newsdigest serve`` and ``newsdigest check``."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..configfile import ConfigInvalid
from . import main
from .common import F, settings_option, verbosity_options
from .common import console as make_console

if TYPE_CHECKING:
    from ..publish import BuildRequest


def build_options(func: F) -> F:
    """The options that say what a digest is made from and where it goes (build, serve)."""
    options: list[Callable[[F], F]] = [
        click.option(
            "--input",
            "-i",
            "inputs",
            multiple=True,
            type=click.Path(path_type=Path),
            help="Input folder or file (repeatable). Default: seeds/",
        ),
        click.option(
            "--out",
            "-o",
            type=click.Path(path_type=Path),
            default=Path("build"),
            show_default=True,
            help="Where the Markdown pages and the generated mkdocs.yml go. Replaced whole, "
            "and only when the build has succeeded; a folder holding files newsdigest did not "
            "write is refused (see --force).",
        ),
        settings_option(),
        click.option(
            "--topics",
            "topics_dir",
            type=click.Path(path_type=Path),
            default=None,
            help="Folder of topic YAML files. Default: the settings' topics_dir (topics/).",
        ),
        click.option(
            "--templates",
            type=click.Path(path_type=Path, exists=True, file_okay=False),
            default=Path("site_templates"),
            show_default=True,
            help="Jinja2 page templates.",
        ),
        click.option(
            "--mkdocs",
            "mkdocs_file",
            type=click.Path(path_type=Path, exists=True, dir_okay=False),
            default=Path("mkdocs.yml"),
            show_default=True,
            help="The site's MkDocs configuration.",
        ),
        click.option(
            "--site-dir",
            type=click.Path(path_type=Path),
            default=None,
            help="Where the site goes (--site, or `mkdocs build -f OUT/mkdocs.yml`). "
            "Default: site/ beside mkdocs.yml.",
        ),
        click.option(
            "--site-url",
            envvar="NEWSDIGEST_SITE_URL",
            default=None,
            metavar="URL",
            help="The published site's address, instead of mkdocs.yml's site_url (canonical "
            "links, sitemap, feeds). Also $NEWSDIGEST_SITE_URL.",
        ),
        click.option(
            "--registry",
            "registry_file",
            type=click.Path(path_type=Path, dir_okay=False),
            default=None,
            help="Story registry (JSON, keep it with the archive): stories keep their URLs "
            "across builds and merged stories' URLs redirect. Read, then updated when the "
            "build is published.",
        ),
        click.option(
            "--jobs",
            "-j",
            type=click.IntRange(1),
            default=1,
            show_default=True,
            help="Processes for the per-article stages (clean, sentences, summary).",
        ),
        click.option(
            "--scheduler",
            default=None,
            metavar="ADDRESS",
            help="Run the per-article stages on this Dask scheduler (tcp://host:8786) instead.",
        ),
        click.option(
            "--cache-dir",
            type=click.Path(path_type=Path, file_okay=False),
            default=Path(".cache/newsdigest"),
            show_default=True,
            help="Per-article cache: a rebuild redoes only new or changed articles.",
        ),
        click.option(
            "--no-cache", is_flag=True, help="Neither read nor write the per-article cache."
        ),
        click.option(
            "--force",
            is_flag=True,
            help="Replace --out (and --site-dir) even when it holds files newsdigest did not "
            "write: they are deleted.",
        ),
        verbosity_options,
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _request(params: dict[str, Any], **more: Any) -> BuildRequest:
    from ..executor import Executor
    from ..publish import BuildRequest

    return BuildRequest(
        inputs=tuple(params["inputs"]) or (Path("seeds"),),
        out=params["out"],
        settings_file=params["settings_file"],
        topics_dir=params["topics_dir"],
        templates=params["templates"],
        mkdocs_file=params["mkdocs_file"],
        site_dir=params["site_dir"],
        site_url=params["site_url"],
        registry_file=params["registry_file"],
        force=params["force"],
        executor=Executor(jobs=params["jobs"], scheduler=params["scheduler"]),
        cache_dir=None if params["no_cache"] else params["cache_dir"],
        **more,
    )


@contextmanager
def _sigterm_unwinds() -> Iterator[None]:
    """SIGTERM (CI cancelling a job, `kill`) unwinds like Ctrl-C: staging folders removed,
    the lock released, the published folders as they were. Exit code 143."""

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@main.command()
@build_options
@click.option(
    "--site",
    is_flag=True,
    help="Also build the site with MkDocs into --site-dir (strict: a warning fails the build); "
    "both folders are replaced only when everything succeeded.",
)
@click.option(
    "--report",
    type=click.Path(path_type=Path),
    help="Write what was read, repaired and skipped as JSON.",
)
@click.option("--fail-on-skip", is_flag=True, help="Exit 1 when any input was skipped (for CI).")
def build(site, report, fail_on_skip, quiet, verbose, **params):
    """Build the digest: Markdown pages and OUT/mkdocs.yml, and with --site the site itself.

    Everything is written beside OUT first and swapped in only when the whole build has
    succeeded: a failed or interrupted build leaves OUT and the site as they were. One build
    at a time per folder: another one exits 75 at once, naming the build that holds it.
    """
    from ..publish import publish

    request = _request(params, site=site, report=report, fail_on_skip=fail_on_skip)
    with _sigterm_unwinds():
        publish(request, make_console(quiet, verbose))


@main.command()
@build_options
@click.option(
    "--dev-addr",
    "-a",
    default=None,
    metavar="IP:PORT",
    help="Where to serve. Default: mkdocs.yml's dev_addr (127.0.0.1:8000).",
)
def serve(dev_addr, quiet, verbose, **params):
    """Preview the site with live reload, rebuilding the digest on every change.

    Watches the input, topics and overrides, settings, templates, mkdocs.yml and the theme
    overrides; a rebuild publishes the digest into OUT (atomically, as `build` does) and the
    browser reloads. A rebuild that fails (a broken topic file) prints why and keeps serving
    the last good site. The story registry is read, never written.
    """
    from ..publish import serve as serve_digest

    with _sigterm_unwinds():
        serve_digest(_request(params), make_console(quiet, verbose), dev_addr)


@main.command()
@settings_option(help=None)
@click.option("--topics", "topics_dir", type=click.Path(path_type=Path), default=None)
@click.option(
    "--input",
    "-i",
    "inputs",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="Also try the topic rules and overrides on this input: warn about rules that match "
    "nothing.",
)
@verbosity_options
def check(settings_file, topics_dir, inputs, quiet, verbose):
    """Validate the settings, topic files and overrides without building."""
    from ..editor_topics import load_topics_and_warnings, unmatched_keyword_warnings
    from ..overrides import load_overrides
    from ..pipeline import build_digest
    from ..settings import Settings, load_settings
    from ..topics import story_facts

    console = make_console(quiet, verbose)
    errors = []
    settings = None
    try:
        settings = load_settings(settings_file)
    except ConfigInvalid as invalid:
        errors.extend(invalid.errors)
    folder = topics_dir or Path(settings.topics_dir if settings else "topics")
    topics, warnings = [], []
    try:
        topics, warnings = load_topics_and_warnings(folder)
    except ConfigInvalid as invalid:
        errors.extend(invalid.errors)
    try:
        load_overrides(folder)
    except ConfigInvalid as invalid:
        errors.extend(invalid.errors)
    if errors:
        raise ConfigInvalid(errors)
    for warning in warnings:
        console.error(f"warning: {warning}")
    if inputs:
        digest = build_digest(list(inputs), settings or Settings(), folder)
        for problem in digest.problems:
            if problem.action == "warning":
                console.error(f"warning: {problem.origin}: {problem.message}")
        for warning in unmatched_keyword_warnings(
            topics, [story_facts(s, digest.documents) for s in digest.stories]
        ):
            console.error(f"warning: {warning}")
    console.info(
        f"ok: {settings_file if settings_file.exists() else 'default settings'}; "
        f"{len(topics)} topics in {folder}/"
    )
