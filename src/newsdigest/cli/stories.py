"""``newsdigest group`` and ``newsdigest explain``: which story each article is in, and why."""

from __future__ import annotations

import json
from pathlib import Path

import click

from . import main
from .common import console as make_console
from .common import verbosity_options


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--jsonl", is_flag=True, help='One {"id", "story"} object per input article, in input order.'
)
@click.option(
    "--topics",
    "topics_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Apply the editor overrides (overrides.yml) in this folder. Default: none.",
)
@verbosity_options
def group(paths, jsonl, topics_dir, quiet, verbose):
    """Print the story of each article in PATH(s), with the build's grouping and defaults."""
    import resource
    import time

    from ..ingest import ingest
    from ..overrides import load_overrides, without_takedowns
    from ..prepare import prepare_articles
    from ..stories import find_stories

    console = make_console(quiet, verbose)
    started = time.perf_counter()
    overrides = load_overrides(topics_dir) if topics_dir else None
    read = ingest(list(paths))
    for problem in read.problems:
        console.error(str(problem))
    per_article = prepare_articles(read.articles)
    problems = list(per_article.problems)
    documents = without_takedowns(per_article.documents, overrides)
    found = find_stories(
        documents, [per_article.features[d.id].names for d in documents], overrides, None, problems
    )
    for problem in problems:
        console.detail(str(problem))
    story_of = {a: s.slug for s in found.stories for a in s.article_ids}
    if jsonl:
        kept = {d.id for d in documents}
        for article in read.articles:
            if article.id in kept:  # taken down or emptied articles have no story
                click.echo(
                    json.dumps(
                        {"id": article.id, "story": story_of.get(article.id)}, ensure_ascii=False
                    )
                )
    else:
        titles = {d.id: d.article.title or "" for d in documents}
        for story in found.stories:
            click.echo(f"# {story.slug}: {story.title}")
            for article_id in story.article_ids:
                click.echo(f"- {article_id}: {titles[article_id]}")
            click.echo("")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    console.info(
        f"{len(documents)} articles in {len(found.stories)} stories; "
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
@click.option(
    "--topics",
    "topics_dir",
    type=click.Path(path_type=Path),
    default=Path("topics"),
    show_default=True,
    help="Folder of topic YAML files and overrides.yml.",
)
@verbosity_options
def explain(story, inputs, topics_dir, quiet, verbose):
    """Tell why STORY (a story slug) has its articles and its topics."""
    from ..explain import explain_story
    from ..overrides import load_overrides
    from ..pipeline import build_digest
    from ..settings import Settings

    console = make_console(quiet, verbose)
    settings = Settings()
    digest = build_digest(
        list(inputs) or [Path("seeds")], settings, topics_dir, progress=console.detail
    )
    for problem in digest.problems:
        console.detail(str(problem))
    lines = explain_story(digest, story, load_overrides(topics_dir), settings.topic_keyword_share)
    for line in lines:
        click.echo(line)
