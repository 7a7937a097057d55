"""Load an editor's YAML file and validate it against a declared schema, with errors for people.

Every error names the file, the line, the key, what was wrong and what was
expected ("topics/syria.yml:7: match.anyy: unknown key; did you mean 'any'?"),
never a traceback. Schemas are pydantic models with ``extra="forbid"``, so an
unknown key is an error that suggests the nearest valid one.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from yaml.composer import ComposerError

from . import safe_yaml
from .errors import ConfigurationError
from .model import Problem

Model = TypeVar("Model", bound=BaseModel)


@dataclass(frozen=True)
class ConfigError:
    """One mistake in a config file."""

    path: str
    line: int | None
    key: str
    message: str
    severity: str = "error"  # "error" | "warning"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        key = f" {self.key}:" if self.key else ""
        return f"{where}:{key} {self.message}"

    def to_problem(self) -> Problem:
        """A warning as a build problem: file:line first, like every other message."""
        origin = f"{self.path}:{self.line}" if self.line else self.path
        return Problem(
            origin, f"{self.key}: {self.message}" if self.key else self.message, "warning"
        )


class ConfigInvalid(ConfigurationError):
    """Raised with every error found, so an editor fixes them all in one pass."""

    def __init__(self, errors: list[ConfigError]):
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors

    def lines(self) -> list[str]:
        errors = [e for e in self.errors if e.severity == "error"]
        return [f"configuration has {len(errors)} error{'s' if len(errors) != 1 else ''}:"] + [
            f"  {e}" if e.severity == "error" else f"  warning: {e}" for e in self.errors
        ]


def _line_map(node: yaml.Node, path: tuple = (), lines: dict | None = None) -> dict[tuple, int]:
    """Map each key path (("match", "any", 0), ...) to the 1-based line where it stands."""
    lines = {} if lines is None else lines
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            lines[(*path, key)] = key_node.start_mark.line + 1
            _line_map(value_node, (*path, key), lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _line_map(item, (*path, index), lines)
    return lines


def _duplicate_keys(node: yaml.Node, path: tuple = ()) -> list[tuple[tuple, int]]:
    found = []
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key_node, value_node in node.value:
            if key_node.value in seen:
                found.append(((*path, key_node.value), key_node.start_mark.line + 1))
            seen.add(key_node.value)
            found.extend(_duplicate_keys(value_node, (*path, key_node.value)))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            found.extend(_duplicate_keys(item, (*path, index)))
    return found


def key_name(path: tuple) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def load_yaml(path: Path, display: str | None = None) -> tuple[Any, dict[tuple, int]]:
    """Parse a YAML file; return (data, line map). Raises ConfigInvalid for bad YAML."""
    display = display or path.as_posix()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigInvalid(
            [ConfigError(display, None, "", "is not UTF-8 text; save it as UTF-8")]
        ) from None
    try:
        node = safe_yaml.compose(text)
        data = safe_yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error)
        context = getattr(error, "context", None)
        hint = f" ({context})" if context else ""
        raise ConfigInvalid(
            [
                ConfigError(
                    display,
                    mark.line + 1 if mark else None,
                    "",
                    f"not valid YAML: {problem}{hint}"
                    + (
                        ""
                        if isinstance(error, ComposerError)
                        else "; check the indentation and quoting around this line"
                    ),
                )
            ]
        ) from None
    if node is None:
        return None, {}
    duplicates = _duplicate_keys(node)
    if duplicates:
        raise ConfigInvalid(
            [
                ConfigError(display, line, key_name(p), "key given twice; keep one")
                for p, line in duplicates
            ]
        )
    return data, _line_map(node)


_EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "list_type": "a list (lines starting with '- ')",
    "dict_type": "a mapping (key: value lines)",
    "model_type": "a mapping (key: value lines)",
    "date_type": "a date such as 2025-10-15",
    "date_from_datetime_parsing": "a date such as 2025-10-15",
    "date_parsing": "a date such as 2025-10-15",
}


def _model_at(model: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    """The pydantic model that owns the last key of ``loc`` (for suggesting keys)."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = current.model_fields.get(part)
        if field is None:
            return None
        annotation = field.annotation
        args = getattr(annotation, "__args__", ())
        current = next(
            (a for a in (annotation, *args) if isinstance(a, type) and issubclass(a, BaseModel)),
            annotation,
        )
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def translate_errors(
    error: ValidationError,
    model: type[BaseModel],
    display: str,
    lines: dict[tuple, int],
    prefix: tuple = (),
) -> list[ConfigError]:
    """pydantic's errors as ConfigErrors with line numbers and suggestions."""
    out = []
    for item in error.errors(include_url=False):
        loc = tuple(item["loc"])
        full = prefix + loc
        line = lines.get(full) or lines.get(full[:-1]) or lines.get(prefix)
        kind = item["type"]
        if kind == "extra_forbidden":
            owner = _model_at(model, loc)
            valid = sorted(owner.model_fields) if owner else []
            near = difflib.get_close_matches(str(loc[-1]), valid, n=1)
            hint = f"did you mean '{near[0]}'? " if near else ""
            message = f"unknown key; {hint}expected one of: {', '.join(valid)}"
        elif kind == "missing":
            message = "required key is missing"
            line = lines.get(prefix + loc[:-1]) or lines.get(prefix)
        elif kind in _EXPECTED:
            message = f"got {item.get('input')!r}; expected {_EXPECTED[kind]}"
        else:
            message = item["msg"].removeprefix("Value error, ")
        out.append(ConfigError(display, line, key_name(full), message))
    return out


def validate(
    model: type[Model], data: Any, display: str, lines: dict[tuple, int], prefix: tuple = ()
) -> Model:
    """Validate ``data`` against ``model``; raise ConfigInvalid with every error found."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise ConfigInvalid(translate_errors(error, model, display, lines, prefix)) from None
