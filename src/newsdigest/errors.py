"""Errors that end a command, each carrying the exit code the CLI gives it.

Library code raises these; only the CLI turns them into a message and an exit
code (``newsdigest.cli``), so nothing deep inside the program calls ``sys.exit``.
The codes are the same for every command:

    0  success
    1  the command ran but failed a requirement (nothing could be read, a
       quality gate failed, the Dask scheduler is unreachable...)
    2  usage error (a wrong option or argument, an unknown story)
    3  configuration error (topic, settings, overrides or floors YAML)
   75  another build is writing the same output folder (its lock names it); try
       again when it has finished (sysexits' EX_TEMPFAIL: a retry may succeed)
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_CONFIG = 3
EXIT_LOCKED = 75


class NewsdigestError(Exception):
    """A failure to report to a person in one message (``str(error)``), with an exit code."""

    exit_code = EXIT_FAILED

    def lines(self) -> list[str]:
        """The message as the CLI prints it, a line each."""
        return str(self).splitlines() or [type(self).__name__]

    def all_lines(self) -> list[str]:
        """``lines()``, then the notes added on the way up (``add_note``: what was left as it
        was, say)."""
        return self.lines() + list(getattr(self, "__notes__", ()))


class UsageError(NewsdigestError):
    """The command was asked for something that does not exist or cannot be done."""

    exit_code = EXIT_USAGE


class ConfigurationError(NewsdigestError):
    """A configuration file is wrong; the message names the file."""

    exit_code = EXIT_CONFIG
