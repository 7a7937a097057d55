"""A long article is cut to the bounds of newsdigest.bounds before anything quadratic runs,
summarised from its beginning, and its page says so."""

import time
from pathlib import Path

from helpers import WORDS
from newsdigest.bounds import CUT_EXTRA, MAX_ARTICLE_CHARS, MAX_ARTICLE_SENTENCES
from newsdigest.cli import run
from newsdigest.model import Article
from newsdigest.prepare import prepare_article, prepare_articles
from newsdigest.summarise import Length


def long_text(sentences: int) -> str:
    """Invented sentences, each a little different, about 70 characters each."""
    return " ".join(
        f"The {WORDS[i % 12]} report number {i} named {WORDS[(i * 7) % 12]} and "
        f"{WORDS[(i * 5) % 12]} again."
        for i in range(sentences)
    )


def test_a_one_megabyte_article_is_cut_to_its_first_sentences_quickly():
    text = long_text(17_000)
    assert len(text) > 1_000_000
    began = time.perf_counter()
    prepared = prepare_article(Article("long", text, "in/long.txt"), Length())
    took = time.perf_counter() - began
    assert len(prepared.document.sentences) == MAX_ARTICLE_SENTENCES
    assert len(prepared.document.article.text) <= MAX_ARTICLE_CHARS
    assert prepared.document.sentences[0].startswith("The harbour report number 0 ")
    assert prepared.document.article.extra(CUT_EXTRA) == "its first 1,000 sentences"
    assert len(prepared.summary.sentences) == 3
    assert took < 10, took  # uncut: 9.8 s and 2.3 GB (issue 15); cut: well under a second


def test_characters_are_bounded_when_sentences_are_few():
    text = ("word " * 60_000 + ". ") * 2  # two sentences of 300,000 characters each
    prepared = prepare_article(Article("runon", text, "in/runon.txt"), Length())
    assert len(prepared.document.article.text) <= MAX_ARTICLE_CHARS
    read = prepared.document.article.extra(CUT_EXTRA)
    assert read.startswith("its first 200,000 characters")


def test_a_short_article_is_not_marked_and_an_input_cannot_fake_the_mark():
    article = Article(
        "short", "A ferry ran late. The council met.", "in/a.md", extras=((CUT_EXTRA, "x"),)
    )
    prepared = prepare_article(article, Length())
    assert prepared.document.article.extra(CUT_EXTRA) is None
    assert len(prepared.document.sentences) == 2


def test_the_build_reports_the_cut():
    result = prepare_articles([Article("long", long_text(1_200), "in/long.txt")], Length())
    assert [str(p) for p in result.problems] == [
        "in/long.txt: warning: long article: summarised from its first 1,000 sentences"
    ]


def test_the_story_page_says_the_article_was_cut(tmp_path: Path, root: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "long.md").write_text(
        "---\ntitle: A very long harbour report\nsource: Harbour Times\n---\n" + long_text(1_500),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    options = ["--topics", str(tmp_path / "none"), "--templates", str(root / "site_templates")]
    code = run(["build", "-q", "--input", str(folder), "--out", str(out), *options])
    assert code == 0
    (page,) = (out / "docs" / "stories").glob("*.md")
    assert "a long article, summarised from its first 1,000 sentences" in page.read_text("utf-8")
