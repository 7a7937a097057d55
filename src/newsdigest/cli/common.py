"""What every command shares: messages for people on stderr (-q / -v) and the options
the commands have in common."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

F = Callable[..., Any]


class Console:
    """Messages for people on stderr, filtered by -q / -v (results go to stdout)."""

    def __init__(self, verbosity: int):
        self.verbosity = verbosity

    def info(self, message: str) -> None:
        if self.verbosity >= 1:
            click.echo(message, err=True)

    def detail(self, message: str) -> None:
        if self.verbosity >= 2:
            click.echo(message, err=True)

    def error(self, message: str) -> None:
        click.echo(message, err=True)


def console(quiet: bool, verbose: int) -> Console:
    return Console(0 if quiet else 1 + verbose)


def verbosity_options(func: F) -> F:
    func = click.option("-v", "--verbose", count=True, help="More messages (repeat for more).")(
        func
    )
    func = click.option("-q", "--quiet", is_flag=True, help="Only errors.")(func)
    return func


def settings_option(
    help: str | None = "Digest settings YAML (defaults when absent).",
) -> Callable[[F], F]:
    return click.option(
        "--settings",
        "settings_file",
        type=click.Path(path_type=Path),
        default=Path("newsdigest.yml"),
        show_default=True,
        help=help,
    )


def story_options(func: F) -> F:
    """What the story stage reads beside the input, with the build's defaults (``group``,
    ``explain``, ``eval stories``): the settings file, the overrides' folder, the registry."""
    func = click.option(
        "--registry",
        "registry_file",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        help="Story registry of `newsdigest build --registry`: stories keep its slugs. "
        "Read, never written.",
    )(func)
    func = click.option(
        "--topics",
        "topics_dir",
        type=click.Path(path_type=Path),
        default=None,
        help="Folder of topic YAML files and overrides.yml. Default: the settings' "
        "topics_dir (topics/), as for build.",
    )(func)
    return settings_option()(func)


def floor_options(function: F) -> F:
    """``--floors FILE --gate NAME``: the quality gate of ``make eval`` (eval/floors.yml)."""
    function = click.option(
        "--gate", default=None, help="With --floors: which entry of the floors file applies."
    )(function)
    return click.option(
        "--floors",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        default=None,
        help="YAML of minimum figures; exit 1 when newsdigest falls below the --gate entry.",
    )(function)


def check_gate_options(floors: Path | None, gate: str | None) -> None:
    """Checked before any work: a mistake in the options should not cost an evaluation's time."""
    if (floors is None) != (gate is None):
        raise click.UsageError("--floors and --gate go together")
