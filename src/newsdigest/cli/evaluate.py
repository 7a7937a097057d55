"""``newsdigest eval summaries|stories|topics|topic-stability|quotes``: quality against gold
data, and the gate."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import click

from . import main
from .common import check_gate_options, floor_options, story_options, verbosity_options
from .common import console as make_console


@main.group(name="eval")
def eval_group() -> None:
    """Measure summary and grouping quality against gold data (e.g. ../shared/corpus/)."""


def _gate(
    floors: Path | None,
    gate: str | None,
    figures: dict[str, float],
    example: str,
    data: Path,
    more: Sequence[str] = (),
) -> None:
    from ..evaluation.gate import apply_gate

    if floors is not None and gate is not None:
        result = apply_gate(floors, gate, figures, example, data, more)
        for warning in result.warnings:
            click.echo(warning, err=True)
        click.echo(result.verdict)


def _parse_slice(text: str | None) -> slice:
    if not text:
        return slice(None)
    parts = text.split(":")
    try:
        if not 2 <= len(parts) <= 3:
            raise ValueError
        return slice(*(int(p) if p.strip() else None for p in parts))
    except ValueError:
        raise click.BadParameter(
            f"{text!r}: expected START:STOP or START:STOP:STEP, e.g. 0:300:4", param_hint="--slice"
        ) from None


@eval_group.command(name="summaries")
@click.argument("data", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--label", default=None, help="Only articles with this label (e.g. cnndm in frank_cnndm_xsum)."
)
@click.option(
    "--skip-flagged", is_flag=True, help="Leave out rows flagged duplicate_of or is_boilerplate."
)
@click.option(
    "-n",
    "--sentences",
    type=click.IntRange(1, 100),
    default=None,
    help="Budget in sentences (default 3), the same for every system.",
)
@click.option(
    "--words",
    type=click.IntRange(1),
    default=None,
    help="Budget in words: whole sentences while they fit (at least one).",
)
@click.option(
    "--match-reference",
    is_flag=True,
    help="Budget per item: the reference's length in words (for long references such as BBC's).",
)
@click.option(
    "--clusters",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Score story summaries against these gold stories (clusters.jsonl).",
)
@click.option(
    "--by",
    "by_field",
    default="label",
    show_default=True,
    help="With --clusters: the article field naming its story.",
)
@click.option(
    "--slice",
    "slice_",
    default=None,
    metavar="START:STOP[:STEP]",
    help="Score only these items (after filtering), as a Python slice: 0:300:4 takes every 4th "
    "of the first 300.",
)
@click.option(
    "--limit", type=click.IntRange(1), default=None, help="Score at most this many items."
)
@click.option(
    "--seed", type=int, default=1, show_default=True, help="Seed of the random-k baseline."
)
@click.option(
    "--baselines/--no-baselines",
    default=True,
    show_default=True,
    help="Also score LEAD-k, random-k, sumy TextRank and LexRank (stories: first-article lead, "
    "TextRank over the story).",
)
@floor_options
def eval_summaries(
    data,
    label,
    skip_flagged,
    sentences,
    words,
    match_reference,
    clusters,
    by_field,
    slice_,
    limit,
    seed,
    baselines,
    floors,
    gate,
):
    """ROUGE-1/2/Lsum F1 of newsdigest's summaries and of baselines on gold DATA (JSON Lines)."""
    from ..evaluation.summaries import SummaryTask, evaluate_summaries
    from ..summarise import Length

    if sum(map(bool, (sentences, words, match_reference))) > 1:
        raise click.UsageError("give one of -n/--sentences, --words and --match-reference")
    check_gate_options(floors, gate)
    task = SummaryTask(
        label=label,
        skip_flagged=skip_flagged,
        length=Length(sentences=sentences or 3, words=words),
        match_reference=match_reference,
        clusters=clusters,
        by_field=by_field,
        part=_parse_slice(slice_),
        limit=limit,
        seed=seed,
        baselines=baselines,
    )
    result = evaluate_summaries(data, task, slice_)
    click.echo(result.table())
    _gate(floors, gate, result.figures(), "rouge1: 40.0", data, result.failures())


@eval_group.command(name="stories")
@click.argument("data", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--skip-flagged", is_flag=True, help="Drop rows flagged is_boilerplate (Multi-News scrapes)."
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object instead of a table.")
@click.option(
    "--errors",
    is_flag=True,
    help="Also list the wrong merges and the missed merges (ids, first words).",
)
@story_options
@floor_options
@verbosity_options
def eval_stories(
    data,
    skip_flagged,
    as_json,
    errors,
    settings_file,
    topics_dir,
    registry_file,
    floors,
    gate,
    quiet,
    verbose,
):
    """B-cubed P/R/F1 and ARI of the build's stories against the gold `label`, beside
    baselines; B-cubed precision of the stories read first (home order, largest)."""
    from ..evaluation.stories import evaluate_stories
    from ..pipeline import story_sources

    check_gate_options(floors, gate)
    console = make_console(quiet, verbose)
    sources = story_sources(settings_file, topics_dir, registry_file)
    result, note = evaluate_stories(
        data, skip_flagged, errors, sources.settings, sources.topics_dir, sources.registry
    )
    if note:
        console.info(note)
    click.echo(json.dumps(result.as_json()) if as_json else result.table())
    _gate(floors, gate, result.figures(), "f1: 90.0", data)


@eval_group.command(name="agree")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@story_options
def eval_agree(paths, settings_file, topics_dir, registry_file):
    """Check that `group` and `build` put every article of PATH(s) in the same story;
    exit 1 naming the articles when they do not."""
    from ..evaluation.agreement import group_build_agreement
    from ..pipeline import story_sources

    sources = story_sources(settings_file, topics_dir, registry_file)
    click.echo(group_build_agreement(list(paths), sources).verdict(paths))


@eval_group.command(name="topics")
@click.argument("data", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@floor_options
@verbosity_options
def eval_topics(data, floors, gate, quiet, verbose):
    """NMI and purity of automatic topics against the gold `label` (e.g. BBC categories)."""
    from ..evaluation.topics import evaluate_topics

    check_gate_options(floors, gate)
    console = make_console(quiet, verbose)
    result, note = evaluate_topics(data)
    if note:
        console.info(note)
    click.echo(result.table())
    _gate(floors, gate, result.figures(), "nmi: 75.0", data)


@eval_group.command(name="topic-stability")
@click.argument("data", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--editor-topic",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=Path("topics/middle-east.yml"),
    show_default=True,
    help="The editor topic the 'editor' change adds.",
)
@click.option(
    "--no-registry",
    is_flag=True,
    help="Automatic topics without the registry (each build clusters afresh).",
)
@floor_options
@verbosity_options
def eval_topic_stability(data, editor_topic, no_registry, floors, gate, quiet, verbose):
    """How many automatic topics keep their slug and stories after one story is hidden, one
    editor topic added, 1% more articles (DATA: a file or folder the build reads)."""
    from ..evaluation.topic_stability import evaluate_stability

    check_gate_options(floors, gate)
    result = evaluate_stability(data, editor_topic, not no_registry)
    click.echo(result.table())
    _gate(floors, gate, result.figures(), "kept_hide: 90.0", data)


@eval_group.command(name="quotes")
@click.argument("labels", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--corpus",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    required=True,
    help="The corpus folder the labels' sentences come from (e.g. ../shared/corpus).",
)
@click.option(
    "--errors",
    is_flag=True,
    help="Also list each wrong or missed speaker (id, expected, found, first words).",
)
@floor_options
def eval_quotes(labels, corpus, errors, floors, gate):
    """Who the quotes are credited to, against hand LABELS (eval/quote_labels.jsonl):
    precision, recall and the share of quotes with a named speaker."""
    from ..evaluation.quotes import evaluate_quotes

    check_gate_options(floors, gate)
    result = evaluate_quotes(labels, corpus)
    click.echo(result.table(errors))
    for line in result.missing_lines():
        click.echo(line, err=True)
    _gate(floors, gate, result.figures(), "precision: 97.0", labels, result.failures())
