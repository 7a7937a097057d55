"""Ingest: find input files, decode them, and hand each to the reader for its kind.

One bad file never sinks the build: every file that cannot be read becomes a
``Problem`` naming the file and the reason, and every other file is still read.
"""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from . import safe_yaml
from .model import Article, Problem
from .readers import Note, ReadContext, ReaderError, opens_itself, reader_for
from .readers.jsonl import LineError

MANIFEST_NAMES = ("sources.yml", "sources.yaml")
# Larger files are not news articles (or are a mistake); reading them would only
# slow the build down. A JSON Lines file holds many articles, so it may be larger.
MAX_ARTICLE_BYTES = 5 * 1024 * 1024
MAX_JSONL_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class Unread:
    """An input item with an id that could not be read as an article (a JSON Lines
    object without a text): ``summarize`` still answers its id."""

    position: int  # how many articles were read before it
    id: str
    fields: dict  # the item's metadata as given


@dataclass
class IngestResult:
    articles: list[Article] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files_read: int = 0
    given_ids: dict[str, str] = field(
        default_factory=dict
    )  # renamed article id -> the id the input gave
    unread: list[Unread] = field(default_factory=list)


# <?xml ... encoding="..."?> or <meta charset="..."> / content="text/html; charset=...".
_DECLARED_ENCODING = re.compile(
    rb"""(?:<\?xml[^>]{0,200}?encoding|<meta[^>]{0,200}?charset)\s*=\s*["']?([A-Za-z0-9._-]{1,40})""",
    re.IGNORECASE,
)


class DecodeError(Exception):
    """The bytes are not text (empty, binary, or in no known encoding)."""


def decode(data: bytes) -> tuple[str, str | None]:
    """Decode file bytes to text; return (text, repair note or None).

    UTF-8 is tried first (with or without a byte order mark); anything else is
    detected with charset-normalizer, and the guess is reported as a repair.
    """
    if not data.strip():
        raise DecodeError("empty file")
    # UTF-16 (Windows "Unicode" text) is full of NUL bytes but is text: its BOM says so.
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec), f"UTF-16 text; decoded ({codec})"
            except UnicodeDecodeError:
                pass
    if b"\x00" in data[:8192]:
        raise DecodeError("binary file (contains NUL bytes), not text")
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "UTF-8 byte order mark removed"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    # A web page or feed that declares its encoding is not broken: honour the declaration.
    declared = _DECLARED_ENCODING.search(data[:2048])
    if declared:
        name = declared.group(1).decode("ascii").lower()
        # As browsers do (WHATWG Encoding): "latin-1" on the web means Windows-1252.
        codec = (
            "cp1252" if name in ("iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii") else name
        )
        try:
            return data.decode(codec), None
        except (LookupError, UnicodeDecodeError):
            pass
    # Mostly-ASCII text with a few accented letters is ambiguous between the legacy
    # single-byte encodings, and detectors guess wrong on short texts; Windows-1252
    # (a superset of Latin-1's printable range) is by far the likeliest for news text.
    ascii_share = sum(b < 0x80 for b in data) / len(data)
    if ascii_share > 0.9:
        try:
            return data.decode("cp1252"), "not UTF-8; decoded as Windows-1252"
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise DecodeError("not text in any known encoding")
    return str(best), f"not UTF-8; decoded as {best.encoding}"


def load_manifest(folder: Path, root: Path, problems: list[Problem]) -> dict[str, dict]:
    """Read ``sources.yml`` in ``folder``: file name -> metadata mapping."""
    for name in MANIFEST_NAMES:
        path = folder / name
        if path.is_file():
            break
    else:
        return {}
    origin = path.relative_to(root.parent).as_posix()
    try:
        data = safe_yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError, ValueError) as error:
        mark = getattr(error, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        problems.append(
            Problem(
                f"{origin}{where}",
                f"manifest is not valid YAML: "
                f"{getattr(error, 'problem', None) or error}; its metadata is ignored",
            )
        )
        return {}
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        problems.append(
            Problem(
                origin,
                "manifest must map file names to key: value metadata "
                "(e.g. 'article.txt: {title: ..., source: ...}'); ignored",
            )
        )
        return {}
    manifest = {str(k): v for k, v in data.items()}
    for name in sorted(manifest):
        if not (folder / name).is_file():
            problems.append(
                Problem(
                    origin, f"manifest names '{name}', which is not in the folder", action="warning"
                )
            )
    return manifest


def _printable(name: str) -> str:
    """A file name fit for a one-line message: control characters (a newline in a name)
    escaped, and bytes that are not UTF-8 (kept by Python as lone surrogates, which no
    cache, page or message can hold) shown as ``\\xNN``."""
    name = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\x{ord(m.group()):02x}", name)


# Lone surrogates: how Python keeps a file name's bytes that are not UTF-8.
_NOT_UTF8 = re.compile("[\udc80-\udcff]")
# Input folders nested deeper than this are not read (their files are reported once).
MAX_INPUT_DEPTH = 64


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _input_files(root: Path, problems: list[Problem]) -> list[Path]:
    """The files under ``root`` (or ``root`` itself), sorted; hidden files and folders left out.

    Walked without recursion and without following a symlink to a folder. A symlink to a
    file outside ``root`` is skipped with a message (``ln -s /etc/passwd leak.txt`` would
    publish it); one to a file inside is read once, as that file. A folder nested more
    than MAX_INPUT_DEPTH levels deep, or one that cannot be listed, is reported.
    """
    if not root.is_dir():
        return [root]
    real_root = root.resolve()
    files: dict[Path, Path] = {}  # real path -> the path it is read as (the first in order)
    stack: list[tuple[Path, int]] = [(root, 0)]
    while stack:
        folder, depth = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as error:
            problems.append(
                Problem(_shown(root, folder), f"folder cannot be read: {error.strerror}")
            )
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            problem = _entry_problem(entry, path, real_root, depth)
            if problem:
                problems.append(Problem(_shown(root, path), problem))
            elif entry.is_dir(follow_symlinks=False):
                stack.append((path, depth + 1))
            elif entry.is_file():
                real = path.resolve()
                if real not in files or _rank(path) < _rank(files[real]):
                    files[real] = path
    return sorted(files.values(), key=_rank)


def _rank(path: Path) -> tuple[bool, Path]:
    """Order of input files: the file itself before a symlink to it, then by path."""
    return (path.is_symlink(), path)


def _entry_problem(entry: os.DirEntry, path: Path, real_root: Path, depth: int) -> str | None:
    if entry.is_symlink():
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):
            return "a symlink to nothing (or to itself); not read"
        if target.is_dir():
            return "a symlink to a folder; folders are read only where they are, not followed"
        if not _within(target, real_root):
            return "a symlink to a file outside the input folder; not read"
    elif entry.is_dir(follow_symlinks=False) and depth + 1 > MAX_INPUT_DEPTH:
        return f"folder nested more than {MAX_INPUT_DEPTH} levels deep; not read"
    return None


def _shown(root: Path, path: Path) -> str:
    try:
        return _printable((Path(root.name) / path.relative_to(root)).as_posix())
    except ValueError:
        return _printable(path.as_posix())


def ingest(inputs: Iterable[Path]) -> IngestResult:
    """Read every supported file under the input folders (or the input files themselves)."""
    result = IngestResult()
    seen_ids: dict[str, str] = {}
    for root in inputs:
        root = Path(root)
        if not root.exists():
            result.problems.append(Problem(str(root), "input does not exist"))
            continue
        manifests: dict[Path, dict] = {}
        for path in _input_files(root, result.problems):
            if path.name in MANIFEST_NAMES:
                continue
            rel = path.relative_to(root) if root.is_dir() else Path(path.name)
            origin = _printable(
                (Path(root.name) / rel).as_posix() if root.is_dir() else path.as_posix()
            )
            reader = reader_for(path)
            if reader is None:
                result.problems.append(
                    Problem(origin, f"unsupported file type '{path.suffix or path.name}'")
                )
                continue
            if path.parent not in manifests:
                manifests[path.parent] = load_manifest(path.parent, root, result.problems)
            # The id is the path inside the input folder: stable across builds and machines,
            # and a.txt in two sub-folders stays two articles.
            article_id = _printable(rel.with_suffix("").as_posix())
            if _NOT_UTF8.search(rel.as_posix()):
                result.problems.append(
                    Problem(origin, "file name is not UTF-8; its bytes shown as \\xNN", "repaired")
                )
            metadata = manifests[path.parent].get(path.name)
            for item in _read_file(path, origin, article_id, reader, metadata, result):
                result.articles.append(_unique(item, seen_ids, result))
    # One problem, one line: a parser's message may carry line breaks of its own.
    result.problems = [replace(p, message=" ".join(p.message.split())) for p in result.problems]
    return result


def _read_file(
    path: Path, origin: str, article_id: str, reader, metadata: dict | None, result: IngestResult
):
    limit = MAX_JSONL_BYTES if path.suffix.lower() in (".jsonl", ".ndjson") else MAX_ARTICLE_BYTES
    try:
        if opens_itself(path):  # a database (the feed archive): its reader opens it
            text, repair = "", None
        elif (size := path.stat().st_size) > limit:
            result.problems.append(
                Problem(origin, f"file is {size / 1e6:.0f} MB, over the {limit / 1e6:.0f} MB limit")
            )
            return
        else:
            text, repair = decode(path.read_bytes())
    except DecodeError as error:
        result.problems.append(Problem(origin, str(error)))
        return
    except OSError as error:
        result.problems.append(Problem(origin, f"cannot be read: {error.strerror}"))
        return
    result.files_read += 1
    if repair:
        result.problems.append(Problem(origin, repair, action="repaired"))
    ctx = ReadContext(article_id=article_id, origin=origin, metadata=metadata)
    try:
        for item in reader(path, text, ctx):
            if isinstance(item, LineError):
                result.problems.append(
                    Problem(f"{origin}:{item.line_number}", str(item).split(": ", 1)[1])
                )
                if item.item is not None and item.item.get("id") is not None:
                    result.unread.append(
                        Unread(len(result.articles), str(item.item["id"]), item.item)
                    )
            elif isinstance(item, Note):
                result.problems.append(
                    Problem(f"{origin}{item.where}", item.message, action=item.action)
                )
            else:
                yield item
    except ReaderError as error:
        result.problems.append(Problem(origin, str(error)))
    except Exception as error:
        reason = " ".join(str(error).split())[:200]
        result.problems.append(
            Problem(
                origin,
                f"could not be read: {type(error).__name__}: {reason} "
                "(a bug in newsdigest or a parser it uses; please report it)",
            )
        )


def _unique(article: Article, seen: dict[str, str], result: IngestResult) -> Article:
    """Give an article whose id is already taken a suffixed id, and say so."""
    if article.id not in seen:
        seen[article.id] = article.origin
        return article
    number = 2
    while f"{article.id}-{number}" in seen:
        number += 1
    new_id = f"{article.id}-{number}"
    result.problems.append(
        Problem(
            article.origin,
            f"id '{article.id}' is already used by {seen[article.id]}; renamed to '{new_id}'",
            action="repaired",
        )
    )
    result.given_ids[new_id] = article.id
    seen[new_id] = article.origin
    return replace(article, id=new_id)
