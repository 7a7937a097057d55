"""Property-based tests on arbitrary Unicode: cleaning, splitting, summarising and escaping never fail,
summaries only quote the input, and escaped text renders as exactly the text it was."""

import html
import re
import unicodedata

import markdown
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdigest.clean import clean_article, normalise_text
from newsdigest.model import Article, Document
from newsdigest.render import md_escape, safe_url
from newsdigest.sentences import split_sentences
from newsdigest.summarise import Length, summarise_document

# Arbitrary Unicode, plus text built from the characters news and markup are made of,
# so that sentence ends, quotes and Markdown syntax turn up often.
PIECES = st.sampled_from(
    [
        ". ",
        "? ",
        "! ",
        "... ",
        "\n",
        "\n\n",
        " ",
        '"',
        "'",
        "\u201c",
        "\u201d",
        "Mr. ",
        "U.S. ",
        "e.g. ",
        "<script>",
        "[x](javascript:a)",
        "{{ x }}",
        "{% y %}",
        "# ",
        "- ",
        "1. ",
        "| a |",
        "==",
        "~~",
        ":",
        "*",
        "_",
        "`",
        "\\",
        "&amp;",
        "\u00a0",
        "\u200b",
        "e\u0301",
        "\ufeff",
        "\r\n",
        "Putin",
        "said",
        "the",
        "Café",
        "東京",
        "مرحبا",
    ]
)
TEXT = st.one_of(
    st.text(), st.lists(st.one_of(PIECES, st.text(max_size=8)), max_size=40).map("".join)
)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def squeeze(text: str) -> str:
    return "".join(text.split())


@FAST
@given(TEXT)
def test_normalise_is_nfc_idempotent_and_drops_controls(text):
    out = normalise_text(text)
    assert unicodedata.is_normalized("NFC", out)
    assert normalise_text(out) == out
    assert (
        "\r" not in out
        and "\u200b" not in out
        and not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", out)
    )


@FAST
@given(TEXT, st.one_of(st.none(), TEXT))
def test_clean_article_never_fails_and_titles_are_one_line(text, title):
    article = clean_article(Article(id="a", text=text, origin="a", title=title))
    assert article.title is None or "\n" not in article.title
    assert article.language in (None, "en", "fr", "de", "es", "it", "pt", "nl")


@FAST
@given(TEXT)
def test_sentences_are_the_text_in_order(text):
    split_sentences(text)  # raw text: no exception (blingfire turns a NUL into a space)
    text = normalise_text(text)  # what the pipeline splits
    sentences = split_sentences(text)
    rest = squeeze(text)
    for sentence in sentences:
        assert sentence and sentence == sentence.strip()
        position = rest.find(squeeze(sentence))
        assert position >= 0, sentence
        rest = rest[position + len(squeeze(sentence)) :]


@FAST
@given(TEXT, st.integers(1, 6))
def test_summary_sentences_come_from_the_article(text, n):
    article = clean_article(Article(id="a", text=text, origin="a"))
    document = Document(article, tuple(split_sentences(article.text)))
    summary = summarise_document(document, Length(sentences=n))
    assert len(summary.sentences) <= min(n, len(document.sentences))
    indices = [ref.index for ref in summary.sentences]
    assert indices == sorted(set(indices))
    for ref in summary.sentences:
        assert document.sentences[ref.index] == ref.text


_MARKDOWN = markdown.Markdown(extensions=["toc", "tables", "fenced_code"])  # MkDocs' own set


@FAST
@given(TEXT)
def test_escaped_text_renders_as_literal_text(text):
    value = normalise_text(text)  # what reaches the templates: cleaned text
    rendered = _MARKDOWN.reset().convert(md_escape(value))
    assert "<script" not in rendered and "href" not in rendered and "<img" not in rendered
    assert rendered.count("<") == 2 * len(re.findall(r"<p>", rendered)) or not rendered
    shown = html.unescape(re.sub(r"</?p>", "", rendered))
    assert shown == " ".join(value.split())


@FAST
@given(TEXT)
def test_escaped_text_in_a_heading_or_list_item_is_literal_too(text):
    value = " ".join(normalise_text(text).split())
    if not value:
        return
    for prefix, tag in (("# ", "h1"), ("### ", "h3"), ("- ", "li")):
        rendered = _MARKDOWN.reset().convert(prefix + md_escape(value))
        match = re.fullmatch(rf"(?:<ul>\n)?<{tag}[^>]*>(.*)</{tag}>(?:\n</ul>)?", rendered, re.S)
        assert match, rendered
        assert html.unescape(match.group(1)) == value


@FAST
@given(TEXT)
def test_safe_url_only_passes_plain_http_links(text):
    for candidate in (text, "https://" + text, "javascript:" + text):
        url = safe_url(candidate)
        assert url is None or (re.match(r"^https?://", url) and not re.search(r"[\s<>\"'()]", url))
