"""Command-line interface: options and printing only; the work is the library's.

Exit codes (the same for every command, see ``newsdigest.errors``):
  0  success
  1  the command ran but failed a requirement (no article could be read, a quality
     gate failed, or ``--fail-on-skip`` and something was skipped)
  2  usage error (unknown option, missing file, unknown story)
  3  configuration error (topic, settings or overrides YAML): every mistake is listed
 75  another build is writing the same output folder (the message names it)

Output goes to stdout (summaries, JSON); messages and progress go to stderr.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import click

from .. import __version__
from ..errors import EXIT_FAILED, NewsdigestError


class _Commands(click.Group):
    """The command group: a library error becomes its message and its exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except NewsdigestError as error:
            for line in error.all_lines():
                click.echo(line, err=True)
            raise SystemExit(error.exit_code) from None
        except OSError as error:
            # A file-system failure no stage turned into its own message: still one line,
            # naming the file, never a traceback.
            where = f"{error.filename}: " if error.filename else ""
            click.echo(f"{where}{error.strerror or error}", err=True)
            raise SystemExit(EXIT_FAILED) from None


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newsdigest")
def main() -> None:
    """Turn a folder of news articles into a searchable static digest site."""


def run(argv: Sequence[str] | None = None) -> int:
    """Run the CLI in-process (for tests); return the exit code."""
    try:
        main.main(args=list(argv or []), prog_name="newsdigest", standalone_mode=False)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    except click.ClickException as error:
        error.show()
        return error.exit_code
    return 0


# Importing the command modules registers their commands.
from . import audit, build, evaluate, fetch, stories, summarize  # noqa: E402,F401
