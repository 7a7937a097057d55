"""Each sentence once per page: the summary, key quotes, what each outlet adds and the
coverage excerpts never repeat a sentence, or a quote inside one (sections.py)."""

import re
from pathlib import Path

from helpers import document
from newsdigest.model import SentenceRef, Story, Summary
from newsdigest.rankers import DEFAULT_RANKER, RANKERS
from newsdigest.sections import Shown, fragments, story_sections

GOLDEN = Path(__file__).parent / "golden"

ONE = document(
    "The council closed the Aldwick bridge on Monday after engineers found cracks. "
    '"We will not reopen the bridge until every crack is repaired," Mayor Elena Marsh said. '
    "Ferries will carry commuters across the harbour until the bridge reopens. "
    "The repairs are expected to take at least three weeks, the council said.",
    "one",
)
TWO = document(
    "Engineers found cracks in the Aldwick bridge, which the council closed on Monday. "
    '"Safety comes first, and the bridge stays shut until the engineers tell us it is sound," '
    "Elena Marsh told reporters. "
    "Shop owners on the quay said they feared losing trade during the closure. "
    "The chamber of commerce asked for a compensation fund for businesses near the bridge.",
    "two",
)


def sections(summary_refs, per_article=2, excerpt=2):
    members = [ONE, TWO]
    story = Story("s", "t", ("one", "two"), Summary(tuple(summary_refs)))
    scores = {d.id: list(RANKERS[DEFAULT_RANKER](d.sentences)) for d in members}
    candidates = {
        d.id: tuple(SentenceRef(d.id, i, s) for i, s in enumerate(d.sentences)) for d in members
    }
    return story_sections(story, members, scores, candidates, 3, per_article, excerpt)


def ref(doc, i):
    return SentenceRef(doc.id, i, doc.sentences[i])


def test_a_quote_in_the_summary_is_not_a_key_quote_and_sections_take_the_next_sentence():
    result = sections([ref(ONE, 1)])  # the mayor's sentence is in the summary
    assert [q.text for q in result.quotes] == [
        "Safety comes first, and the bridge stays shut until the engineers tell us it is sound"
    ]
    # What each outlet adds passes over the summary's sentence and the quoted one.
    assert [r.index for r in result.exclusives["one"]] == [0, 2]
    assert all(r.index != 1 for r in result.exclusives["two"])
    # Coverage: the next best sentences not shown above, never empty while some are left.
    shown = {(r.article_id, r.index) for rs in result.exclusives.values() for r in rs} | {
        ("one", 1)
    }
    for refs in result.coverage.values():
        assert refs and not {(r.article_id, r.index) for r in refs} & shown
        assert [r.index for r in refs] == sorted(r.index for r in refs)


def test_nothing_new_left_gives_an_empty_excerpt():
    every = [ref(ONE, i) for i in range(len(ONE.sentences))]
    assert sections(every).coverage["one"] == ()


def test_a_quote_over_two_sentences_is_found_in_either():
    quote = "Throughout these years we were guided by one thing. We have deep ties with the city"
    assert fragments(quote) == [
        "Throughout these years we were guided by one thing",
        "We have deep ties with the city",
    ]
    shown = Shown()
    shown.add_quote(quote)
    assert shown.holds(SentenceRef("a", 4, 'We have deep ties with the city," the mayor said.'))
    assert not shown.holds(SentenceRef("a", 5, "The mayor left the city hall at noon."))


def _page_sentences(page: str) -> list[tuple[str, str]]:
    """(section, sentence) for every quoted sentence of a story page's sections."""
    found = []
    section = None
    for line in page.splitlines():
        if line.startswith("## "):
            section = line[3:].split("{")[0].strip()
            continue
        if section in (None, "Key terms", "Timeline") or line.startswith(("<", "#", "**", "---")):
            continue
        text = re.sub(r"<small.*?</small>", "", line).strip("-> ").strip()
        for sentence in re.split(r"(?<=[.!?\"])\s+(?=[A-Z\"])", text):
            if len(sentence.split()) >= 6:
                found.append((section, sentence.strip('" ')))
    return found


def test_golden_story_pages_show_each_sentence_once():
    pages = sorted((GOLDEN / "seeds" / "stories").glob("*.md")) + sorted(
        (GOLDEN / "site" / "stories").glob("*.md")
    )
    checked = 0
    for path in pages:
        page = path.read_text(encoding="utf-8")
        if "# This story has moved" in page:
            continue
        seen: dict[str, str] = {}
        for section, sentence in _page_sentences(page):
            assert sentence not in seen, (path.name, section, seen.get(sentence), sentence)
            seen[sentence] = section
        checked += 1
    assert checked >= 5
