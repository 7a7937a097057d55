"""Command-line interface: a thin layer over the library.

Exit codes (the same for every command):
  0  success
  1  the build ran but failed a requirement (no article could be read, or
     ``--fail-on-skip`` and something was skipped)
  2  usage error (unknown option, missing file)
  3  configuration error (topic or settings YAML): every mistake is listed

Output goes to stdout (summaries, JSON); messages and progress go to stderr.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from . import __version__
from .configfile import ConfigInvalid

EXIT_FAILED = 1
EXIT_CONFIG = 3


class Console:
    """Messages for people on stderr, filtered by -q / -v."""

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


def verbosity_options(func):
    func = click.option("-v", "--verbose", count=True, help="More messages (repeat for more).")(func)
    func = click.option("-q", "--quiet", is_flag=True, help="Only errors.")(func)
    return func


def _console(quiet: bool, verbose: int) -> Console:
    return Console(0 if quiet else 1 + verbose)


def _config_failed(console: Console, invalid: ConfigInvalid) -> None:
    errors = [e for e in invalid.errors if e.severity == "error"]
    console.error(f"configuration has {len(errors)} error{'s' if len(errors) != 1 else ''}:")
    for error in invalid.errors:
        console.error(f"  {error}" if error.severity == "error" else f"  warning: {error}")
    sys.exit(EXIT_CONFIG)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newsdigest")
def main() -> None:
    """Turn a folder of news articles into a searchable static digest site."""


@main.command()
@click.option("--input", "-i", "inputs", multiple=True, type=click.Path(path_type=Path),
              help="Input folder or file (repeatable). Default: seeds/")
@click.option("--out", "-o", type=click.Path(path_type=Path), default=Path("build"), show_default=True,
              help="Where the Markdown pages and the generated mkdocs.yml go.")
@click.option("--settings", "settings_file", type=click.Path(path_type=Path), default=Path("newsdigest.yml"),
              show_default=True, help="Digest settings YAML (defaults when absent).")
@click.option("--topics", "topics_dir", type=click.Path(path_type=Path), default=None,
              help="Folder of topic YAML files. Default: the settings' topics_dir (topics/).")
@click.option("--templates", type=click.Path(path_type=Path, exists=True, file_okay=False),
              default=Path("site_templates"), show_default=True, help="Jinja2 page templates.")
@click.option("--mkdocs", "mkdocs_file", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              default=Path("mkdocs.yml"), show_default=True, help="The site's MkDocs configuration.")
@click.option("--site-dir", type=click.Path(path_type=Path), default=None,
              help="Where `mkdocs build` puts the site. Default: site/ beside mkdocs.yml.")
@click.option("--report", type=click.Path(path_type=Path), help="Write what was read, repaired and skipped as JSON.")
@click.option("--fail-on-skip", is_flag=True, help="Exit 1 when any input was skipped (for CI).")
@click.option("--jobs", "-j", type=click.IntRange(1), default=1, show_default=True,
              help="Processes for the per-article stages (clean, sentences, summary).")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Run the per-article stages on this Dask scheduler (tcp://host:8786) instead.")
@click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False), default=Path(".cache/newsdigest"),
              show_default=True, help="Per-article cache: a rebuild redoes only new or changed articles.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the per-article cache.")
@verbosity_options
def build(inputs, out, settings_file, topics_dir, templates, mkdocs_file, site_dir, report, fail_on_skip,
          jobs, scheduler, cache_dir, no_cache, quiet, verbose):
    """Build the digest: Markdown pages and build/mkdocs.yml for `mkdocs build`."""
    from .pipeline import build_digest
    from .render import write_site
    from .settings import load_settings
    from .workers import ArticleWork, SchedulerError

    console = _console(quiet, verbose)
    inputs = list(inputs) or [Path("seeds")]
    work = ArticleWork(jobs=jobs, scheduler=scheduler, cache_dir=None if no_cache else cache_dir)
    try:
        settings = load_settings(settings_file)
        digest = build_digest(inputs, settings, topics_dir or Path(settings.topics_dir),
                              progress=console.detail, work=work)
    except ConfigInvalid as invalid:
        _config_failed(console, invalid)
    except SchedulerError as error:
        console.error(str(error))
        sys.exit(EXIT_FAILED)
    for problem in digest.problems:
        console.error(str(problem))
    pages = write_site(digest, out, templates, settings, mkdocs_file, site_dir)
    counts = {action: sum(p.action == action for p in digest.problems)
              for action in ("skipped", "repaired", "warning")}
    console.info(f"read {digest.files_read} files: {len(digest.articles)} articles in "
                 f"{len(digest.stories)} stories, {len(digest.topics)} topics; "
                 f"{counts['repaired']} repaired, {counts['skipped']} skipped; {len(pages)} pages in {out}/docs")
    if report:
        report.write_text(json.dumps({
            "files_read": digest.files_read, "articles": len(digest.articles),
            "stories": len(digest.stories), **counts,
            "problems": [{"file": p.origin, "action": p.action, "reason": p.message} for p in digest.problems],
        }, indent=2) + "\n", encoding="utf-8")
    if not digest.articles:
        console.error("no article could be read from the input")
        sys.exit(EXIT_FAILED)
    if fail_on_skip and counts["skipped"]:
        console.error(f"--fail-on-skip: {counts['skipped']} input(s) skipped")
        sys.exit(EXIT_FAILED)


@main.command()
@click.option("--settings", "settings_file", type=click.Path(path_type=Path), default=Path("newsdigest.yml"),
              show_default=True)
@click.option("--topics", "topics_dir", type=click.Path(path_type=Path), default=None)
@verbosity_options
def check(settings_file, topics_dir, quiet, verbose):
    """Validate the settings and topic files without building."""
    from .settings import load_settings
    from .topics import load_topics

    console = _console(quiet, verbose)
    errors = []
    settings = None
    try:
        settings = load_settings(settings_file)
    except ConfigInvalid as invalid:
        errors.extend(invalid.errors)
    folder = topics_dir or Path(settings.topics_dir if settings else "topics")
    topics = []
    try:
        topics = load_topics(folder)
    except ConfigInvalid as invalid:
        errors.extend(invalid.errors)
    if errors:
        _config_failed(console, ConfigInvalid(errors))
    console.info(f"ok: {settings_file if settings_file.exists() else 'default settings'}; "
                 f"{len(topics)} topics in {folder}/")


def _articles_from(path: Path, console: Console):
    from .ingest import ingest
    from .pipeline import prepare_documents

    read = ingest([path])
    for problem in read.problems:
        console.error(str(problem))
    problems = []
    documents = prepare_documents(read.articles, problems)
    for problem in problems:
        console.detail(str(problem))
    return read.articles, {d.id: d for d in documents}


@main.command()
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("-n", "--sentences", type=click.IntRange(1, 100), default=None,
              help="Summary length in sentences (default 3).")
@click.option("--words", type=click.IntRange(1), default=None,
              help="Summary length in words: whole sentences while they fit (at least one).")
@click.option("--jsonl", is_flag=True, help="One JSON object per article on stdout.")
@click.option("--by", "by_field", default=None,
              help="With --jsonl: one story summary per distinct value of this field (e.g. label).")
@verbosity_options
def summarize(path, sentences, words, jsonl, by_field, quiet, verbose):
    """Print the summary of each article in PATH (an article file, folder or JSON Lines)."""
    from .model import Document
    from .settings import Settings
    from .summarise import Length, summarise_document, summarise_story

    console = _console(quiet, verbose)
    defaults = Settings()
    articles, documents = _articles_from(path, console)
    empty = lambda a: Document(a, ())  # noqa: E731 - an article with nothing left still gets a line
    if by_field:
        length = Length(sentences=sentences or defaults.story_summary_sentences, words=words)
        groups: dict[str, list] = {}
        for article in articles:
            value = _field(article, by_field)
            groups.setdefault(value, []).append(documents.get(article.id) or empty(article))
        for value, members in groups.items():
            summary = summarise_story(members, length)
            _emit({by_field: value, "summary": summary.text,
                   "sentences": [s.text for s in summary.sentences]}, jsonl, value)
        return
    length = Length(sentences=sentences or defaults.summary_sentences, words=words)
    for article in articles:
        summary = summarise_document(documents.get(article.id) or empty(article), length)
        _emit({"id": article.id, "summary": summary.text,
               "sentences": [s.text for s in summary.sentences]}, jsonl, article.title or article.id)


def _field(article, name: str):
    value = getattr(article, name, None) if name in ("id", "title", "source", "url") else article.extra(name)
    return value


def _emit(record: dict, jsonl: bool, heading: str) -> None:
    if jsonl:
        click.echo(json.dumps(record, ensure_ascii=False))
    else:
        click.echo(f"# {heading}\n" + "\n".join(f"- {s}" for s in record["sentences"]) + "\n")


# --- grouping commands (group, explain) ------------------------------------


# --- ingest commands (fetch) ------------------------------------------------


# --- evaluation: `newsdigest eval summaries|stories|topics` -----------------
@main.group(name="eval")
def eval_group() -> None:
    """Measure summary and grouping quality against gold data (e.g. ../shared/corpus/)."""


# --- eval summaries ---


# --- eval stories / topics ---


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
