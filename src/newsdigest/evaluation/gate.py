"""The quality gate of ``make eval``: every figure measured against a floor in one
YAML file (``eval/floors.yml``), one entry per gated evaluation.

    summaries-cnndm:      # the entry a command names with --gate
      rouge1: 34.83       # a figure below its floor fails the gate

A failed gate is an exception carrying exit code 1, naming each figure that fell short.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import yaml

from ..errors import NewsdigestError

FIGURE_NAMES = {"rouge1": "R-1", "rouge2": "R-2", "rougeLsum": "R-Lsum"}


class GateFailed(NewsdigestError):
    """A figure is below its floor (or the floors file has no such entry)."""


def check_floors(
    figures: dict[str, float], floors: dict, names: dict[str, str] = FIGURE_NAMES
) -> list[str]:
    """Messages for each figure below its floor (empty when the gate passes).

    ``figures``: what was measured, by key ("rouge1", "f1", "nmi"); ``names``: how to print a key.
    """
    failures = []
    for key, floor in floors.items():
        if key not in figures:
            failures.append(
                f"floor for unknown figure '{key}'; expected one of {', '.join(figures)}"
            )
        elif figures[key] < float(floor):
            failures.append(
                f"{names.get(key, key)} {figures[key]:.2f} is below the floor {float(floor):.2f}"
            )
    return failures


def apply_gate(
    floors: Path,
    gate: str,
    figures: dict[str, float],
    example: str,
    more_failures: Sequence[str] = (),
) -> str:
    """The gate's verdict line when every figure holds; raises GateFailed naming each one that does not."""
    entry = (yaml.safe_load(floors.read_text(encoding="utf-8")) or {}).get(gate)
    if not isinstance(entry, dict):
        raise GateFailed(f"error: {floors}: no entry '{gate}' with figures such as '{example}'")
    failures = check_floors(figures, entry) + list(more_failures)
    if failures:
        raise GateFailed(
            "\n".join(
                f"gate {gate}: FAILED: newsdigest {failure} ({floors})" for failure in failures
            )
        )
    return f"gate {gate}: ok (floors in {floors})"
