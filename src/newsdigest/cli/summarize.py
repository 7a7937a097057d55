"""``newsdigest summarize``: the summary of each article (or story) in a path."""

from __future__ import annotations

import json
from pathlib import Path

import click

from . import main
from .common import console as make_console
from .common import settings_option, verbosity_options


@main.command()
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option(
    "-n",
    "--sentences",
    type=click.IntRange(1, 100),
    default=None,
    help="Summary length in sentences (default: the settings', 3 for articles, 4 for stories).",
)
@click.option(
    "--words",
    type=click.IntRange(1),
    default=None,
    help="Summary length in words: whole sentences, best first, each one that still fits "
    "(always at least one).",
)
@click.option("--jsonl", is_flag=True, help="One JSON object per article (or story) on stdout.")
@click.option(
    "--by",
    "by_field",
    default=None,
    help="One story summary per distinct value of this field (e.g. label), as the site builds "
    "them.",
)
@settings_option(help="Digest settings YAML, as for build (defaults when absent).")
@verbosity_options
def summarize(path, sentences, words, jsonl, by_field, settings_file, quiet, verbose):
    """Print the summary of each article in PATH (an article file, folder or JSON Lines).

    Uses exactly the summariser, cleaning and defaults of the site build.
    Duplicates are not dropped: every input article gets its line, in input order.
    """
    from ..settings import load_settings
    from ..summaries import article_summaries, read_entries, story_summaries
    from ..summarise import Length

    console = make_console(quiet, verbose)
    if sentences and words:
        raise click.UsageError("give -n/--sentences or --words, not both")
    settings = load_settings(settings_file)
    read = read_entries(path)
    for problem in read.read_problems:
        console.error(str(problem))
    for problem in read.empty:
        console.detail(str(problem))
    if not read.entries:
        console.error(f"{path}: no article could be read")
        raise SystemExit(1)
    if by_field:
        length = Length(sentences=sentences or settings.story_summary_sentences, words=words)
        for value, summary in story_summaries(read.entries, by_field, length):
            _emit(
                {
                    by_field: value,
                    "summary": summary.text,
                    "sentences": [s.text for s in summary.sentences],
                },
                jsonl,
                str(value),
            )
        return
    length = Length(sentences=sentences or settings.summary_sentences, words=words)
    for entry, summary in article_summaries(read.entries, length):
        _emit(
            {
                "id": entry.id,
                "summary": summary.text,
                "sentences": [s.text for s in summary.sentences],
            },
            jsonl,
            entry.document.article.title or entry.id,
        )


def _emit(record: dict, jsonl: bool, heading: str) -> None:
    if jsonl:
        click.echo(json.dumps(record, ensure_ascii=False))
    else:
        click.echo(f"# {heading}\n" + "\n".join(f"- {s}" for s in record["sentences"]) + "\n")
