"""``newsdigest build`` and ``newsdigest check``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..configfile import ConfigInvalid
from . import main
from .common import console as make_console
from .common import settings_option, verbosity_options


@main.command()
@click.option(
    "--input",
    "-i",
    "inputs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Input folder or file (repeatable). Default: seeds/",
)
@click.option(
    "--out",
    "-o",
    type=click.Path(path_type=Path),
    default=Path("build"),
    show_default=True,
    help="Where the Markdown pages and the generated mkdocs.yml go.",
)
@settings_option()
@click.option(
    "--topics",
    "topics_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder of topic YAML files. Default: the settings' topics_dir (topics/).",
)
@click.option(
    "--templates",
    type=click.Path(path_type=Path, exists=True, file_okay=False),
    default=Path("site_templates"),
    show_default=True,
    help="Jinja2 page templates.",
)
@click.option(
    "--mkdocs",
    "mkdocs_file",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    default=Path("mkdocs.yml"),
    show_default=True,
    help="The site's MkDocs configuration.",
)
@click.option(
    "--site-dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Where `mkdocs build` puts the site. Default: site/ beside mkdocs.yml.",
)
@click.option(
    "--report",
    type=click.Path(path_type=Path),
    help="Write what was read, repaired and skipped as JSON.",
)
@click.option("--fail-on-skip", is_flag=True, help="Exit 1 when any input was skipped (for CI).")
@click.option(
    "--registry",
    "registry_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Story registry (JSON, keep it in git): stories keep their URLs across builds and "
    "merged stories' URLs redirect. Read, then updated.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1),
    default=1,
    show_default=True,
    help="Processes for the per-article stages (clean, sentences, summary).",
)
@click.option(
    "--scheduler",
    default=None,
    metavar="ADDRESS",
    help="Run the per-article stages on this Dask scheduler (tcp://host:8786) instead.",
)
@click.option(
    "--cache-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path(".cache/newsdigest"),
    show_default=True,
    help="Per-article cache: a rebuild redoes only new or changed articles.",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the per-article cache.")
@verbosity_options
def build(
    inputs,
    out,
    settings_file,
    topics_dir,
    templates,
    mkdocs_file,
    site_dir,
    report,
    fail_on_skip,
    registry_file,
    jobs,
    scheduler,
    cache_dir,
    no_cache,
    quiet,
    verbose,
):
    """Build the digest: Markdown pages and build/mkdocs.yml for `mkdocs build`."""
    from ..cache import CacheConfig
    from ..executor import Executor
    from ..permalinks import load_registry, save_registry
    from ..pipeline import Options, build_digest
    from ..render import write_site
    from ..report import BuildReport
    from ..settings import load_settings

    console = make_console(quiet, verbose)
    registry = load_registry(registry_file) if registry_file else None
    executor = Executor(jobs=jobs, scheduler=scheduler)
    settings = load_settings(settings_file)
    digest = build_digest(
        list(inputs) or [Path("seeds")],
        settings,
        topics_dir or Path(settings.topics_dir),
        progress=console.info,
        options=Options(executor, None if no_cache else CacheConfig(cache_dir), registry),
    )
    for use in digest.caches:
        if use.removed:
            console.info(f"removed {use.removed}: an earlier version's cache, no longer read")
    for use in digest.caches:
        if use.name == "article":
            console.detail(
                f"article cache: {use.hits} hits, {use.misses} misses, {use.rebuilt} damaged "
                f"entries rebuilt"
            )
        else:
            console.detail(
                f"story cache ({use.name.rsplit('.', 1)[-1]}): {use.hits} hits, {use.misses} misses"
            )
    if registry_file and digest.registry is not None:
        save_registry(digest.registry, registry_file)
    for problem in digest.problems:
        # A merged copy is news of the build, not a problem: -q leaves it out.
        (console.info if problem.action == "merged" else console.error)(str(problem))
    pages = write_site(digest, out, templates, settings, mkdocs_file, site_dir, executor)
    result = BuildReport(digest, len(pages), out / "docs")
    console.info(result.summary())
    if report:
        report.write_text(json.dumps(result.as_json(), indent=2) + "\n", encoding="utf-8")
    code, why = result.failure(fail_on_skip)
    if why:
        console.error(why)
        raise SystemExit(code)


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
    from ..editor_topics import load_topics, unmatched_keyword_warnings
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
    topics = []
    for load in (load_topics, load_overrides):
        try:
            loaded = load(folder)
        except ConfigInvalid as invalid:
            errors.extend(invalid.errors)
        else:
            topics = loaded if load is load_topics else topics
    if errors:
        raise ConfigInvalid(errors)
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
