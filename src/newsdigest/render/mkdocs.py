"""The site generator's side: reading the project's ``mkdocs.yml``, writing the generated
one that compiles the Markdown pages, and running MkDocs on it: ``build_site`` (strict, in
this process) and ``Preview`` (``mkdocs serve`` whose rebuild is the digest's).

This is the one module a successor of MkDocs (a Zensical, a MkDocs 2) would replace:
the pages themselves are plain Markdown with front matter.
"""

from __future__ import annotations

import errno
import html
import logging
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from .. import safe_yaml
from ..errors import ConfigurationError, NewsdigestError


def read_mkdocs_config(path: Path) -> dict:
    """The project's mkdocs.yml as data; tags such as !!python/name are kept as None."""

    class Loader(safe_yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    loader = Loader(path.read_text(encoding="utf-8"))
    try:
        data = loader.get_single_data()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise SiteConfigError(f"{path}{where}: not valid YAML: {problem}") from None
    finally:
        loader.dispose()
    return data if isinstance(data, dict) else {}


@dataclass(frozen=True)
class SiteInfo:
    """What the pages and feeds need from mkdocs.yml (set there, never repeated here)."""

    name: str
    description: str
    url: str | None  # site_url, with a trailing slash
    language: str
    directory_urls: bool

    @classmethod
    def from_config(cls, config: dict) -> SiteInfo:
        theme = config.get("theme") or {}
        url = config.get("site_url") or None
        return cls(
            name=str(config.get("site_name") or "News digest"),
            description=str(config.get("site_description") or ""),
            url=url if url is None or url.endswith("/") else url + "/",
            language=str(theme.get("language") or "en") if isinstance(theme, dict) else "en",
            directory_urls=bool(config.get("use_directory_urls", True)),
        )

    def page_path(self, page: str) -> str:
        """The served path of a Markdown page, relative to the site root."""
        stem = page.removesuffix(".md")
        if stem == "index" or stem.endswith("/index"):
            return stem.removesuffix("index")
        return f"{stem}/" if self.directory_urls else f"{stem}.html"


def write_mkdocs_config(
    out_dir: Path,
    mkdocs_base: Path,
    base_config: dict,
    site_dir: Path,
    editor_topics: list[tuple[str, str]],
    publish_dir: Path | None = None,
    site_url: str | None = None,
) -> Path:
    """A generated mkdocs.yml that inherits the project's and adds the bounded navigation.

    The navigation holds the home page, the topic, outlet and archive indexes and the
    editor topics (``(name, page)``): Material renders the whole nav into every page,
    so listing every story, outlet or day would make build time and site size grow
    with the square of the input. Those pages are linked from the indexes instead.
    Paths in it are relative to ``publish_dir``, where ``out_dir`` will be once published
    (default: ``out_dir``); ``site_url`` overrides the project's.
    """
    home = (publish_dir or out_dir).resolve()
    nav = [
        {"Home": "index.md"},
        {"Topics": ["topics/index.md"] + [{_html(name): page} for name, page in editor_topics]},
        {"Outlets": "outlets/index.md"},
        {"Archive": "archive/index.md"},
    ]
    config: dict[str, object] = {
        "INHERIT": os.path.relpath(mkdocs_base.resolve(), home),
        "docs_dir": "docs",
        "site_dir": os.path.relpath(site_dir.resolve(), home),
        "nav": nav,
        "not_in_nav": "/stories/\n/outlets/\n/archive/\n/topics/\n/tags.md\n",
    }
    # Material prints the site's name and description, and the navigation's titles, as they
    # are (MkDocs does not autoescape): they are given here HTML-escaped, so that a name such
    # as "<img src=x onerror=...>" is shown as text, never run.
    for key in ("site_name", "site_description"):
        value = base_config.get(key)
        if isinstance(value, str) and _html(value) != value:
            config[key] = _html(value)
    theme = base_config.get("theme")
    if isinstance(theme, dict) and theme.get("custom_dir"):
        # MkDocs resolves paths against the generated file, not the inherited one.
        custom = (mkdocs_base.parent / theme["custom_dir"]).resolve()
        config["theme"] = {"custom_dir": os.path.relpath(custom, home)}
    if site_url:
        config["site_url"] = site_url
    path = out_dir / "mkdocs.yml"
    path.write_text(
        "# Generated by newsdigest: edit the project's mkdocs.yml instead.\n"
        + yaml.safe_dump(config, sort_keys=False, allow_unicode=True),
        encoding="utf-8",
    )
    return path


def _html(text: str) -> str:
    """Text for a place Material prints unescaped (a nav title, the site's name)."""
    return html.escape(text, quote=True)


# --- running MkDocs ----------------------------------------------------------------------


class SiteFailed(NewsdigestError):
    """MkDocs did not build the site, or warned (strict: a warning fails the build)."""


class SiteConfigError(ConfigurationError):
    """MkDocs refused the configuration (the project's mkdocs.yml, or what it inherits)."""


class _Collect(logging.Handler):
    """MkDocs' log records from WARNING up, each also passed on as it comes."""

    def __init__(self, echo: Callable[[str], None] | None):
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []
        self.echo = echo

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        if self.echo:
            self.echo(_line(record))

    def messages(self) -> list[str]:
        return [_line(r) for r in self.records]


def _line(record: logging.LogRecord) -> str:
    return f"mkdocs: {record.levelname.lower()}: {record.getMessage()}"


@contextmanager
def _mkdocs_log(handler: logging.Handler, level: int = logging.WARNING) -> Iterator[None]:
    """MkDocs logs to ``handler`` only, from ``level`` up: its INFO lines are filtered here,
    not silenced with ``--quiet``, which in MkDocs 1.6 also stops strict mode from seeing any
    warning (the logger's level drops them before its counter does)."""
    logger = logging.getLogger("mkdocs")
    saved = (logger.level, logger.propagate, logger.handlers[:])
    logger.handlers = [handler]
    logger.setLevel(level)
    logger.propagate = False
    try:
        yield
    finally:
        logger.setLevel(saved[0])
        logger.propagate = saved[1]
        logger.handlers = saved[2]


def build_site(
    config_file: Path, site_dir: Path | None = None, echo: Callable[[str], None] | None = None
) -> None:
    """``mkdocs build --strict`` of ``config_file`` into ``site_dir`` (default: the config's),
    in this process.

    Every MkDocs warning or error goes to ``echo`` as it comes (without one, into the
    exception's message); any at all raises ``SiteFailed`` (a configuration MkDocs refuses:
    ``SiteConfigError``).
    """
    from mkdocs import exceptions
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    collected = _Collect(echo)
    with _mkdocs_log(collected):
        try:
            config = load_config(
                str(config_file), site_dir=str(site_dir) if site_dir else None, strict=True
            )
            config.plugins.on_startup(command="build", dirty=False)
            try:
                build(config)
            finally:
                config.plugins.on_shutdown()
        except exceptions.ConfigurationError as error:
            raise SiteConfigError(f"mkdocs: {config_file}: {error}") from None
        except (exceptions.MkDocsException, OSError) as error:
            if not collected.records:
                raise SiteFailed(f"mkdocs: the site was not built: {error}") from None
    if collected.records:
        counts = Counter(r.levelname.lower() for r in collected.records)
        raise SiteFailed(
            "\n".join(
                ([] if echo else collected.messages())
                + [f"mkdocs: the site was not built: {_counted(counts)} (strict: any fails)"]
            )
        )


def _counted(counts: Counter[str]) -> str:
    return ", ".join(f"{n} {kind}{'s' * (n != 1)}" for kind, n in sorted(counts.items()))


@dataclass
class Preview:
    """``mkdocs serve`` for the digest: the site of ``config_file`` with live reload.

    On any change under ``watch``, ``rebuild`` runs (the digest: a context manager whose value
    says whether there are new pages, held while MkDocs reads them); then the site is built
    into a fresh folder and served from there, and browsers reload. A rebuild or a site that
    fails leaves the last good site served: an editor's mistake never blanks the preview.
    """

    config_file: Path
    watch: list[Path]
    rebuild: Callable[[], AbstractContextManager[bool]]
    echo: Callable[[str], None]  # problems
    info: Callable[[str], None]  # MkDocs' progress (the server's address, rebuilds)
    dev_addr: str | None = None
    _server: Any = field(default=None, init=False)
    _folders: list[str] = field(default_factory=list, init=False)
    _url: str = field(default="", init=False)

    def serve(self) -> None:
        from mkdocs.livereload import LiveReloadServer

        first = tempfile.mkdtemp(prefix="newsdigest-serve-")
        self._folders = [first]
        config = None
        with _mkdocs_log(_Echo(self.echo, self.info), logging.INFO):
            try:
                with self.rebuild():  # the first digest (raises when there is none to serve)
                    config = self._config(first)
                    config.plugins.on_startup(command="serve", dirty=False)
                    host, port = config.dev_addr
                    mount = urlsplit(config.site_url or "/").path
                    self._url = _serve_url(host, port, mount)
                    self._server = LiveReloadServer(
                        builder=self._build, host=host, port=port, root=first, mount_path=mount
                    )
                    self._server.error_handler = self._error_page
                    self._site(first)
                for path in self.watch:
                    self._server.watch(str(path))
                self._listen()
            except KeyboardInterrupt:
                self.info("stopped")
            finally:
                if self._server is not None:
                    self._server.shutdown()
                if config is not None:
                    config.plugins.on_shutdown()
                for folder in self._folders:
                    shutil.rmtree(folder, ignore_errors=True)

    def _listen(self) -> None:
        try:
            self._server.serve()
        except OSError as error:
            if error.errno not in (errno.EADDRINUSE, errno.EADDRNOTAVAIL, errno.EACCES):
                raise
            where = self._url.removeprefix("http://").split("/", 1)[0]
            raise SiteFailed(
                f"cannot serve on {where}: {error.strerror}; choose another with --dev-addr"
            ) from None

    def _config(self, site_dir: str) -> Any:
        from mkdocs.config import load_config

        return load_config(str(self.config_file), site_dir=site_dir, dev_addr=self.dev_addr)

    def _build(self) -> None:
        """The server's builder: the digest, then the site into a new folder."""
        with self.rebuild() as changed:
            if changed:
                folder = tempfile.mkdtemp(prefix="newsdigest-serve-")
                if self._site(folder):
                    self._server.root = folder
                    self._folders.append(folder)
                    while len(self._folders) > 2:  # the one before may still be read
                        shutil.rmtree(self._folders.pop(0), ignore_errors=True)
                else:
                    shutil.rmtree(folder, ignore_errors=True)

    def _site(self, folder: str) -> bool:
        from mkdocs import exceptions
        from mkdocs.commands.build import build

        counter = _Collect(None)
        logger = logging.getLogger("mkdocs")
        logger.addHandler(counter)
        try:
            config = self._config(folder)
            config.site_url = self._url
            build(config, serve_url=self._url)
        except (exceptions.MkDocsException, OSError) as error:
            self.echo(f"mkdocs: the preview was not rebuilt ({error}); still serving the last one")
            return False
        finally:
            logger.removeHandler(counter)
        if counter.records:
            counts = Counter(r.levelname.lower() for r in counter.records)
            self.echo(f"mkdocs: {_counted(counts)}: `make site` fails on these")
        return True

    def _error_page(self, code: int) -> bytes | None:
        page = Path(self._server.root) / f"{code}.html"
        return page.read_bytes() if code in (404, 500) and page.is_file() else None


class _Echo(logging.Handler):
    """MkDocs' INFO lines to ``info``, its warnings and errors to ``echo``."""

    def __init__(self, echo: Callable[[str], None], info: Callable[[str], None]):
        super().__init__(logging.INFO)
        self.echo, self.info = echo, info

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno <= logging.INFO:
            self.info(f"mkdocs: {record.getMessage()}")
        else:
            self.echo(_line(record))


def _serve_url(host: str, port: int, path: str) -> str:
    mount = f"/{path.strip('/')}/" if path.strip("/") else "/"
    return f"http://{host}:{port}{mount}"
