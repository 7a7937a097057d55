"""The one YAML loader for every file an editor or an input supplies: front matter,
manifests, topics, settings, overrides, floors, feeds.

PyYAML's safe loader still expands aliases: a few hundred bytes of nested ``*a``
references ("billion laughs") become gigabytes and minutes, and a deeply nested file
overflows Python's stack. Here an alias is refused (none of our files needs one) and
nesting is bounded, both as a ``yaml.YAMLError`` whose mark gives the line, so every
caller's one-line "not valid YAML" message names the file and line.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.composer import ComposerError

# Mappings and lists nested deeper than this are refused (our files need four or five).
MAX_DEPTH = 50


class _Bounded:
    """Composer limits, mixed into a PyYAML loader class."""

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):  # type: ignore[attr-defined]
            mark = self.peek_event().start_mark  # type: ignore[attr-defined]
            raise ComposerError(
                None, None, "aliases (*name) are not allowed; write the value out", mark
            )
        if self._depth >= MAX_DEPTH:
            mark = self.peek_event().start_mark  # type: ignore[attr-defined]
            raise ComposerError(None, None, f"nested more than {MAX_DEPTH} levels deep", mark)
        self._depth += 1
        try:
            return super().compose_node(parent, index)  # type: ignore[misc]
        finally:
            self._depth -= 1


class SafeLoader(_Bounded, yaml.SafeLoader):
    """``yaml.SafeLoader`` without aliases and with bounded nesting."""


class BaseLoader(_Bounded, yaml.BaseLoader):
    """``yaml.BaseLoader`` (every scalar a string), without aliases, with bounded nesting."""


def _run(text: str, loader_class: type, method: str) -> Any:
    loader = loader_class(text)
    try:
        return getattr(loader, method)()
    finally:
        loader.dispose()


def safe_load(text: str) -> Any:
    """``yaml.safe_load`` without aliases and with bounded nesting."""
    return _run(text, SafeLoader, "get_single_data")


def base_load(text: str) -> Any:
    """Every scalar as a string (``yaml.BaseLoader``), without aliases, bounded."""
    return _run(text, BaseLoader, "get_single_data")


def compose(text: str) -> yaml.Node | None:
    """The node tree of ``text`` (for line numbers), without aliases, bounded."""
    return _run(text, SafeLoader, "get_single_node")
