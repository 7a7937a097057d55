"""``newsdigest audit BUILD_DIR``: what the story pages of a build show a reader, counted."""

from __future__ import annotations

import json
from pathlib import Path

import click

from . import main
from .common import check_gate_options, floor_options


@main.command(name="audit")
@click.argument("build_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the audit as JSON.")
@click.option(
    "--sample",
    type=click.IntRange(0),
    default=50,
    show_default=True,
    help="Summary sentences drawn (seeded) for a person to read.",
)
@click.option("--counts", is_flag=True, help="Only the counts: no examples, no sample.")
@click.option(
    "--corpus",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="With --floors: the data the build was made from, checked against the entry's "
    "corpus fingerprint.",
)
@floor_options
def audit(
    build_dir: Path,
    as_json: bool,
    sample: int,
    counts: bool,
    corpus: Path | None,
    floors: Path | None,
    gate: str | None,
):
    """Count furniture, bad headlines, unterminated sentences, unmarked derived headlines
    and unknown dates, and repeated sentences on the story pages in BUILD_DIR (what
    `newsdigest build --out BUILD_DIR` wrote). Examples go to the terminal, never to a file
    of the repository: the texts belong to their publishers. With --floors and --gate,
    exit 1 when a count is above its ceiling (max_<kind> in the floors file)."""
    from ..audit import audit_build, format_audit
    from ..evaluation.gate import apply_gate

    check_gate_options(floors, gate)
    result = audit_build(build_dir, 0 if counts else sample)
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=1))
    else:
        for line in format_audit(result, examples=not counts):
            click.echo(line)
    if floors is not None and gate is not None:
        verdict = apply_gate(floors, gate, result.figures(), "max_furniture_titles: 0", corpus)
        for warning in verdict.warnings:
            click.echo(warning, err=True)
        click.echo(verdict.verdict, err=as_json)
