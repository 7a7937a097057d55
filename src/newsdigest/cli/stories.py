"""``newsdigest group`` and ``newsdigest explain``: which story each article is in, and why."""

from __future__ import annotations

import json
from pathlib import Path

import click

from . import main
from .common import console as make_console
from .common import story_options, verbosity_options


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--jsonl", is_flag=True, help='One {"id", "story"} object per input article, in input order.'
)
@story_options
@verbosity_options
def group(paths, jsonl, settings_file, topics_dir, registry_file, quiet, verbose):
    """Print the story of each article in PATH(s): the build's stories, with its settings,
    overrides and (with --registry) slugs."""
    import resource
    import time

    from ..pipeline import Options, read_stories, story_sources

    console = make_console(quiet, verbose)
    started = time.perf_counter()
    sources = story_sources(settings_file, topics_dir, registry_file)
    staged = read_stories(
        list(paths),
        sources.settings,
        sources.topics_dir,
        console.detail,
        Options(registry=sources.registry),
    )
    for problem in staged.read.problems:
        console.error(str(problem))
    for problem in staged.problems[len(staged.read.problems) :]:
        console.detail(str(problem))
    story_of = staged.story_of()
    if jsonl:
        for article in staged.read.articles:
            if article.id in story_of:  # taken down or emptied articles have no story
                click.echo(
                    json.dumps(
                        {"id": article.id, "story": story_of[article.id]}, ensure_ascii=False
                    )
                )
    else:
        titles = {d.id: d.article.title or "" for d in staged.documents}
        for story in staged.found.stories:
            click.echo(f"# {story.slug}: {story.title}")
            for article_id in story.article_ids:
                click.echo(f"- {article_id}: {titles[article_id]}")
            click.echo("")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    console.info(
        f"{len(story_of)} articles in {len(staged.found.stories)} stories; "
        f"{time.perf_counter() - started:.1f}s, peak memory {peak:.0f} MiB"
    )


@main.command()
@click.argument("story")
@click.option(
    "--input",
    "-i",
    "inputs",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="Input folder or file (repeatable). Default: seeds/",
)
@story_options
@verbosity_options
def explain(story, inputs, settings_file, topics_dir, registry_file, quiet, verbose):
    """Tell why STORY (a story slug) has its articles and its topics."""
    from ..explain import explain_story
    from ..overrides import load_overrides
    from ..pipeline import Options, build_digest, story_sources

    console = make_console(quiet, verbose)
    sources = story_sources(settings_file, topics_dir, registry_file)
    digest = build_digest(
        list(inputs) or [Path("seeds")],
        sources.settings,
        sources.topics_dir,
        progress=console.detail,
        options=Options(registry=sources.registry),
    )
    for problem in digest.problems:
        console.detail(str(problem))
    overrides = load_overrides(sources.topics_dir)
    share = sources.settings.topic_keyword_share
    for line in explain_story(digest, story, overrides, share):
        click.echo(line)
