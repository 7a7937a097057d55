"""The quality gate of ``make eval``: every figure measured against a floor in one
YAML file (``eval/floors.yml``), one entry per gated evaluation.

    summaries-cnndm:                 # the entry a command names with --gate
      corpus: sha256:3c2f...         # the data the floors were measured on
      rouge1: 34.83                  # a figure below its floor fails the gate

The file is validated like the editor's YAML (file, line, key, what was expected).
``corpus`` is a fingerprint of the data file scored: evaluating other data
(``make eval CORPUS=...``) still gates, with a warning that the floors were
measured elsewhere. A failed gate is an exception carrying exit code 1, naming each
figure that fell short.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from ..configfile import ConfigError, ConfigInvalid, load_yaml, validate
from ..errors import NewsdigestError

# How the gate's messages name a figure (the key otherwise).
FIGURE_NAMES = {
    "rouge1": "R-1",
    "rouge2": "R-2",
    "rougeLsum": "R-Lsum",
    "differs_from_lead": "share of articles not summarised as LEAD-k (%)",
    "differs_margin_rouge1": "R-1 over LEAD-k where they differ",
    "differs_margin_rouge2": "R-2 over LEAD-k where they differ",
    "differs_margin_rougeLsum": "R-Lsum over LEAD-k where they differ",
    "dangling_margin": "dangling openers under LEAD-k's (points)",
    "opening_rouge1": "first-sentence R-1",
}
FINGERPRINT = r"^sha256:[0-9a-f]{16}$"


class GateFailed(NewsdigestError):
    """A figure is below its floor (or the floors file has no such entry)."""


class FloorEntry(BaseModel):
    """One gated evaluation: the corpus it was measured on, and a floor per figure."""

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, float] = Field(init=False)  # figure name -> floor

    corpus: str | None = Field(
        None, pattern=FINGERPRINT, description="fingerprint of the data file, sha256:<16 hex>"
    )

    @property
    def floors(self) -> dict[str, float]:
        return dict(self.__pydantic_extra__ or {})


def corpus_fingerprint(path: Path) -> str:
    """``sha256:`` and the first 16 hex digits of the file's SHA-256 (of a folder: of each
    file's path within it and its bytes, in path order)."""
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for item in files:
        if path.is_dir():
            digest.update(item.relative_to(path).as_posix().encode() + b"\0")
        with item.open("rb") as file:
            for block in iter(lambda: file.read(1 << 20), b""):
                digest.update(block)
    return f"sha256:{digest.hexdigest()[:16]}"


def load_floors(path: Path) -> tuple[dict[str, FloorEntry], dict[tuple[str, ...], int]]:
    """Every entry of the floors file (and the line of each key); raises ConfigInvalid."""
    display = path.as_posix()
    data, lines = load_yaml(path, display)
    if data is None:
        return {}, lines
    if not isinstance(data, dict):
        raise ConfigInvalid([ConfigError(display, 1, "", "expected gate entries (name: figures)")])
    entries, errors = {}, []
    for name, item in data.items():
        if not isinstance(item, dict):
            errors.append(
                ConfigError(
                    display,
                    lines.get((name,)),
                    str(name),
                    "expected a mapping of figures to floors (rouge1: 34.8)",
                )
            )
            continue
        try:
            entries[str(name)] = validate(FloorEntry, item, display, lines, (name,))
        except ConfigInvalid as invalid:
            errors.extend(invalid.errors)
    if errors:
        raise ConfigInvalid(errors)
    return entries, lines


def check_floors(
    figures: dict[str, float], floors: dict[str, float], names: dict[str, str] = FIGURE_NAMES
) -> list[str]:
    """Messages for each figure below its floor (empty when the gate passes).

    ``figures``: what was measured, by key ("rouge1", "f1", "nmi"); ``names``: how to print a key.
    A key ``max_<figure>`` is a ceiling instead (counts of faults, as the page audit's):
    the figure fails when it is above it.
    """
    failures = []
    for key, floor in floors.items():
        if key.startswith("max_") and key[4:] in figures:
            figure = key[4:]
            if figures[figure] > float(floor):
                failures.append(
                    f"{names.get(figure, figure)} {figures[figure]:.2f} is above the ceiling "
                    f"{float(floor):.2f}"
                )
        elif key not in figures:
            failures.append(
                f"floor for unknown figure '{key}'; expected one of {', '.join(figures)}"
            )
        elif figures[key] < float(floor):
            failures.append(
                f"{names.get(key, key)} {figures[key]:.2f} is below the floor {float(floor):.2f}"
            )
    return failures


@dataclass(frozen=True)
class GateResult:
    verdict: str  # the line to print when every figure holds
    warnings: list[str] = field(default_factory=list)


def apply_gate(
    floors: Path,
    gate: str,
    figures: dict[str, float],
    example: str,
    data: Path | None = None,
    more_failures: Sequence[str] = (),
) -> GateResult:
    """The gate's verdict when every figure holds; raises GateFailed naming each one that
    does not. ``data``: the file scored, checked against the entry's corpus fingerprint."""
    entries, lines = load_floors(floors)
    entry = entries.get(gate)
    if entry is None:
        raise GateFailed(f"error: {floors}: no entry '{gate}' with figures such as '{example}'")
    warnings = []
    if data is not None and entry.corpus is not None:
        found = corpus_fingerprint(data)
        if found != entry.corpus:
            where = f"{floors}:{lines.get((gate, 'corpus'), '')}".rstrip(":")
            warnings.append(
                f"warning: {where}: gate {gate}: the floors were measured on corpus "
                f"{entry.corpus}, {data} is {found}; the figures may not compare"
            )
    failures = check_floors(figures, entry.floors) + list(more_failures)
    if failures:
        failed = [f"gate {gate}: FAILED: newsdigest {f} ({floors})" for f in failures]
        raise GateFailed("\n".join(warnings + failed))
    return GateResult(f"gate {gate}: ok (floors in {floors})", warnings)
