"""Small builders for tests: documents from the seeds or from text written here."""

from pathlib import Path

from newsdigest.clean import clean_article
from newsdigest.model import Article, Document, Problem
from newsdigest.prepare import prepare_articles
from newsdigest.sentences import split_sentences

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
# Invented words for generated articles (long ones, many ones).
WORDS = [
    "harbour",
    "council",
    "ferry",
    "budget",
    "bridge",
    "tide",
    "ward",
    "market",
    "school",
    "tram",
    "lantern",
    "quay",
]


def document(text: str, id: str = "doc", **meta) -> Document:
    article = clean_article(Article(id=id, text=text, origin=id, **meta))
    return Document(article, tuple(split_sentences(article.text)))


def seed_documents() -> list[Document]:
    return [document(p.read_text(encoding="utf-8"), id=p.stem) for p in sorted(SEEDS.glob("*.txt"))]


def prepare_documents(articles: list[Article], problems: list[Problem]) -> list[Document]:
    """The build's per-article stage; articles left empty are reported in ``problems``."""
    prepared = prepare_articles(articles)
    problems.extend(prepared.problems)
    return prepared.documents


def mkdocs_build(out: Path, site: Path | None = None) -> None:
    """`mkdocs build --strict` of a built digest (``out/mkdocs.yml``), strict for real: any
    MkDocs warning fails the test with the warnings (MkDocs' own ``--strict --quiet`` lets
    every warning through, an upstream bug in 1.6)."""
    from newsdigest.render.mkdocs import SiteFailed, build_site

    try:
        build_site(out / "mkdocs.yml", site)
    except SiteFailed as failed:
        raise AssertionError(str(failed)) from None
