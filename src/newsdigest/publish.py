"""Publishing: ``newsdigest build`` (the digest and, with ``--site``, the MkDocs site) as one
step that either publishes everything or changes nothing, and ``newsdigest serve``, the
editor's loop.

    publish    lock the output, build the digest into a staging folder, check it, build the
               site (strict), swap both in, then save the story registry
    serve      publish the digest on every change to the input, topics, overrides,
               settings, templates or mkdocs.yml, and serve the site with live reload

The folders' transaction (staging, swap, lock, guards, manifest) is ``outputs.py``; the
site generator is ``render/mkdocs.py``. A failure at any stage (nothing could be read, a
topic file is wrong, a template or MkDocs fails, the build is interrupted) leaves the
published ``build/`` and ``site/`` as they were, and the message says so.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

import yaml

from .cache import CacheConfig
from .errors import EXIT_FAILED, NewsdigestError, UsageError
from .executor import Executor
from .lock import Acquired
from .model import CacheUse
from .outputs import Places, Publication, shown, take_lock
from .permalinks import Registry
from .report import BuildReport
from .settings import Settings


class Messages(Protocol):
    """Where messages go (``cli.common.Console``): progress, details, problems."""

    def info(self, message: str) -> None: ...

    def detail(self, message: str) -> None: ...

    def error(self, message: str) -> None: ...


class BuildFailed(NewsdigestError):
    """The build ran but fails a requirement (nothing could be read, ``--fail-on-skip``)."""

    exit_code = EXIT_FAILED


class TemplateFailed(NewsdigestError):
    """A page template does not render; the message names the template and line."""


@dataclass(frozen=True)
class BuildRequest:
    """What ``newsdigest build`` is asked for (its options)."""

    inputs: tuple[Path, ...] = (Path("seeds"),)
    out: Path = Path("build")
    settings_file: Path = Path("newsdigest.yml")
    topics_dir: Path | None = None  # None: the settings' topics_dir
    templates: Path = Path("site_templates")
    mkdocs_file: Path = Path("mkdocs.yml")
    site_dir: Path | None = None  # None: site/ beside mkdocs_file
    site: bool = False  # also build the site with MkDocs (strict) and swap it in
    site_url: str | None = None  # instead of mkdocs.yml's
    registry_file: Path | None = None
    save_registry: bool = True  # serve reads the registry but never writes it
    report: Path | None = None
    fail_on_skip: bool = False
    force: bool = False  # replace an output folder holding files newsdigest did not write
    executor: Executor = Executor()
    cache_dir: Path | None = Path(".cache/newsdigest")  # None: no cache

    @property
    def site_folder(self) -> Path:
        return self.site_dir or self.mkdocs_file.parent / "site"

    def places(self, settings: Settings) -> Places:
        read = [
            self.topics_dir or Path(settings.topics_dir),
            self.settings_file,
            self.templates,
            self.mkdocs_file,
            _theme_dir(self.mkdocs_file),
        ]
        written = [self.registry_file, self.report, self.cache_dir]
        return Places.of(
            self.out,
            self.site_folder,
            self.site,
            self.inputs,
            [p for p in read if p is not None and p.exists()] + written,
        )


def publish(request: BuildRequest, say: Messages, held: Sequence[Acquired] = ()) -> BuildReport:
    """Build and publish; raise (``NewsdigestError``) with the published folders untouched
    when anything fails. ``held``: output locks the caller holds already."""
    from .permalinks import load_registry
    from .pipeline import Options, build_digest
    from .render import write_site
    from .render.mkdocs import build_site
    from .settings import load_settings

    settings = load_settings(request.settings_file)
    if request.report:
        _check_report(request.report)
    places = request.places(settings)
    registry = load_registry(request.registry_file) if request.registry_file else None
    with Publication(places, say.error, request.force, held) as publication:
        digest = build_digest(
            list(request.inputs),
            settings,
            request.topics_dir or Path(settings.topics_dir),
            progress=say.info,
            options=Options(
                request.executor,
                CacheConfig(request.cache_dir) if request.cache_dir else None,
                registry,
            ),
        )
        _cache_messages(digest.caches, say)
        for problem in digest.problems:
            # A merged copy is news of the build, not a problem: -q leaves it out.
            (say.info if problem.action == "merged" else say.error)(str(problem))
        say.info("render: pages and feeds")
        pages = _render(
            lambda: write_site(
                digest,
                publication.out,
                request.templates,
                settings,
                request.mkdocs_file,
                places.site_dir,
                request.executor,
                publish_dir=places.out,
                site_url=request.site_url,
            ),
            request.templates,
        )
        result = BuildReport(digest, len(pages), request.out / "docs")
        if request.report:
            _write_report(request.report, result)
        code, why = result.failure(request.fail_on_skip)
        if why:
            failed = BuildFailed(why)
            failed.exit_code = code
            raise failed
        if publication.site:
            say.info("site: mkdocs build (strict: any warning fails)")
            build_site(publication.out / "mkdocs.yml", publication.site, say.error)
        publication.commit()
        if request.registry_file and request.save_registry and digest.registry is not None:
            _save_registry(digest.registry, request.registry_file)
    say.info(result.summary())
    say.info(f"published {' and '.join(shown(p) + '/' for p in places.replaced())}")
    return result


def serve(request: BuildRequest, say: Messages, dev_addr: str | None = None) -> None:
    """The editor's loop: the digest rebuilt (and published into ``request.out``) on every
    change to what it is made from, and the site served with live reload. A rebuild that
    fails prints why and keeps serving the last good site; the registry is read, never
    written (a preview must not move a published story's URL)."""
    from .render.mkdocs import Preview
    from .settings import load_settings

    request = replace(request, site=False, save_registry=False, report=None)
    settings = load_settings(request.settings_file)
    if request.report:
        _check_report(request.report)
    places = request.places(settings)
    watched = [
        *request.inputs,
        request.topics_dir or Path(settings.topics_dir),
        request.settings_file,
        request.templates,
        request.mkdocs_file,
        _theme_dir(request.mkdocs_file),
    ]
    watch = [p for p in dict.fromkeys(watched) if p is not None and p.exists()]
    first = [True]

    @contextmanager
    def rebuild() -> Iterator[bool]:
        """The digest, published into ``out``; yields whether it is new, holding the lock
        while MkDocs reads it. Only the first build, with no earlier digest, may fail."""
        fallback = (places.out / "mkdocs.yml").is_file()
        try:
            lock = take_lock(places.out)
        except NewsdigestError as error:
            if first[0] and not fallback:
                raise
            say.error(f"not rebuilt: {error}")
            yield False
            return
        ok = False
        try:
            try:
                publish(request, say, held=[lock])
                ok = True
            except NewsdigestError as error:
                if first[0] and not fallback:
                    raise  # no good digest to fall back on
                for line in error.all_lines():
                    say.error(line)
                say.error(f"still serving the last good site (from {shown(places.out)}/)")
            first[0] = False
            yield ok
        finally:
            lock.release()

    Preview(places.out / "mkdocs.yml", watch, rebuild, say.error, say.info, dev_addr).serve()


def _render(write: Callable[[], list[Path]], templates: Path) -> list[Path]:
    """Run the page writer; a template that fails becomes one message naming it and its
    line (from the error, or from the template's frame in the traceback)."""
    import jinja2

    try:
        return write()
    except jinja2.TemplateError as error:
        where, line = getattr(error, "filename", None), getattr(error, "lineno", None)
        trace = error.__traceback__
        while trace is not None:
            name = trace.tb_frame.f_code.co_filename
            if name.endswith(".j2") or Path(name).parent == templates.resolve():
                where, line = name, trace.tb_lineno
            trace = trace.tb_next
        place = f"{Path(where).name}:{line}: " if where and line else ""
        raise TemplateFailed(f"template error: {place}{error.message or error}") from None


class ReportError(UsageError):
    """``--report`` cannot be written; one line says why (exit 2)."""


def _check_report(path: Path) -> None:
    """Refuse a ``--report`` that cannot be written before any work is done."""
    if path.is_dir():
        raise ReportError(f"--report {path}: is a folder; give a file name")
    if not path.parent.is_dir():
        raise ReportError(f"--report {path}: {path.parent} is not a folder")


def _write_report(path: Path, result: BuildReport) -> None:
    """The report, or a one-line error (nothing is published without it)."""
    try:
        path.write_text(json.dumps(result.as_json(), indent=2) + "\n", encoding="utf-8")
    except OSError as error:
        raise ReportError(
            f"--report {path}: cannot be written: {error.strerror or error}"
        ) from None


def _cache_messages(caches: Sequence[CacheUse], say: Messages) -> None:
    for note in dict.fromkeys(use.note for use in caches if use.note):
        say.error(note)
    for use in caches:
        if use.removed:
            say.info(f"removed {use.removed}: an earlier version's cache, no longer read")
    for use in caches:
        if use.name == "article":
            say.detail(
                f"article cache: {use.hits} hits, {use.misses} misses, {use.rebuilt} damaged "
                f"entries rebuilt"
            )
        else:
            say.detail(
                f"story cache ({use.name.rsplit('.', 1)[-1]}): {use.hits} hits, {use.misses} misses"
            )


def _save_registry(registry: Registry, path: Path) -> None:
    """Written beside, then renamed over: a build killed here leaves the old registry whole."""
    from .permalinks import save_registry

    temporary = path.with_name(f".{path.name}.newsdigest-new")
    save_registry(registry, temporary)
    os.replace(temporary, path)


def _theme_dir(mkdocs_file: Path) -> Path | None:
    """The theme's custom_dir of the project's mkdocs.yml (overrides/), if any."""
    from .render.mkdocs import read_mkdocs_config

    try:
        theme = read_mkdocs_config(mkdocs_file).get("theme")
    except (OSError, yaml.YAMLError):
        return None
    if isinstance(theme, dict) and isinstance(theme.get("custom_dir"), str):
        return mkdocs_file.parent / theme["custom_dir"]
    return None
