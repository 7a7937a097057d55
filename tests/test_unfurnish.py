"""Furniture out of the text (unfurnish.py), datelines and derived headlines: invented text
in the shapes scraped pages have, plus the real corpus read at test time."""

import json
from pathlib import Path

import pytest

from newsdigest.clean import clean_article, derive_title, wire_credit
from newsdigest.datelines import find_dateline, without_dateline
from newsdigest.model import Article
from newsdigest.sentences import split_sentences
from newsdigest.unfurnish import strip_furniture

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


def kept(text: str) -> str:
    return strip_furniture(text)[0]


@pytest.mark.parametrize(
    "line",
    [
        "Play Facebook",
        "Hide Transcript Show Transcript",
        "Posted on March 3, 2019",
        "By Ann Example",
        "(Jane Roe/AP)",
        "Scroll down for video",
        "Enlarge this image toggle caption Jo Bloggs/Getty Images",
        "SHARE THIS ARTICLE Share Tweet Post Email",
        "10:55 a.m.",
    ],
)
def test_furniture_lines_go(line):
    text = f"The bridge over the river reopened on Friday after repairs.\n{line}\nIt had been shut."
    assert (
        kept(text)
        == "The bridge over the river reopened on Friday after repairs.\nIt had been shut."
    )


def test_widget_opening_goes_and_the_sentence_stays():
    text = (
        "Skip in Skip x Embed x Share CLOSE The mayor of Eastham opened the new bridge on Friday."
    )
    assert kept(text) == "The mayor of Eastham opened the new bridge on Friday."


def test_credit_opening_and_bracket_credit_go():
    text = "Jo Bloggs/Getty The mayor opened the bridge (Photo: Ann Roe) on a sunny Friday morning."
    assert kept(text) == "The mayor opened the bridge on a sunny Friday morning."


def test_player_notice_glued_to_a_sentence_goes():
    text = (
        "Media playback is not supported on this device The team won the cup on Saturday evening."
    )
    assert kept(text) == "The team won the cup on Saturday evening."


def test_robot_check_and_newsletter_sentences_go():
    text = (
        "The council met on Monday.\n"
        "Newsletter Sign Up Continue reading the main story Please verify you're not a robot by "
        "clicking the box.\nSign up for our newsletter and other offers: sign me up Thank you!"
    )
    assert kept(text) == "The council met on Monday."


def test_copyright_after_a_full_stop_takes_only_itself():
    assert kept("He leaves a wife and two sons. ©2015 The Example Post.") == (
        "He leaves a wife and two sons."
    )


def test_a_glued_caption_is_split_off_not_lost():
    text = "The mayor cut the ribbon outside the town hall in Eastham on Tuesday He said: 'A great day.'"
    lines = kept(text).split("\n")
    assert lines == [
        "The mayor cut the ribbon outside the town hall in Eastham on Tuesday",
        "He said: 'A great day.'",
    ]


def test_prose_about_widgets_stays():
    text = (
        "She shared the video on Facebook, where it was watched a million times in a day.\n"
        "The company said it would close the gallery and sell its photos to a museum."
    )
    assert kept(text) == text


def test_removals_are_reported_with_a_reason():
    _, removed = strip_furniture("Hide Transcript Show Transcript\nThe bridge reopened on Friday.")
    assert [(r.reason, r.text) for r in removed] == [
        ("line: machinery phrase", "Hide Transcript Show Transcript")
    ]


@pytest.mark.parametrize(
    ("sentence", "credit", "rest"),
    [
        ("PORTVILLE (Reuters) - The bridge reopened on Friday.", "Reuters", "The bridge reopened"),
        ("Eastham (CNN) The bridge reopened on Friday.", "CNN", "The bridge reopened"),
        ("OLDTOWN -- The bridge reopened on Friday.", None, "The bridge reopened"),
        ("NORTH VALE, Westland (AP) — The bridge reopened.", "AP", "The bridge reopened"),
        ("OLDTOWN--A stray dog joined the rescue.", None, "A stray dog joined"),
        ("OLDTOWN, June 10 (UPI) -- A man sang at the airport.", "UPI", "A man sang"),
        ("OLDTOWN\u2014The bridge reopened on Friday.", None, "The bridge reopened"),
    ],
)
def test_datelines(sentence, credit, rest):
    found = find_dateline(sentence)
    assert found is not None and found.credit == credit
    assert without_dateline(sentence).startswith(rest)


@pytest.mark.parametrize(
    "sentence",
    ["The Example Union (EU) said it would act.", "Ann Roe (D) voted no.", "NASA said it would."],
)
def test_no_dateline(sentence):
    assert find_dateline(sentence) is None


def test_derived_title_skips_datelines_and_cuts_at_a_word():
    text = (
        "PORTVILLE (Reuters) - The regional council of Portville approved on Monday a plan to "
        "rebuild every bridge over the river Example within ten years, officials said."
    )
    title = derive_title(text)
    assert title is not None and title.startswith("The regional council")
    assert title.endswith("…") and len(title) <= 101
    assert " ".join(title[:-1].split()) in text  # whole words, as printed
    assert wire_credit(text) == "Reuters"


def test_a_dateline_split_off_as_a_sentence_leaves_no_dash_on_the_headline():
    # "PORTVILLE, Wes." ends with an abbreviation's full stop: the splitter makes it a
    # sentence of its own, and the next one opens with the dateline's dash.
    text = "PORTVILLE, Wes. - A Portville woman was arrested after she crashed a wedding."
    assert derive_title(text) == "A Portville woman was arrested after she crashed a wedding"


def test_the_credit_is_kept_only_when_no_outlet_is_named():
    text = "PORTVILLE (Reuters) - The council approved a plan to rebuild every bridge."
    plain = clean_article(Article(id="a", text=text, origin="a"))
    named = clean_article(Article(id="b", text=text, origin="b", source="The Example Post"))
    assert plain.extra("credit") == "Reuters" and plain.source is None
    assert named.extra("credit") is None and named.source == "The Example Post"
    assert plain.title_derived and plain.title.startswith("The council approved")


def test_real_pages_keep_nearly_all_their_sentences():
    """On the BBC texts (clean prose) cleaning removes at most 0.5% of sentences."""
    rows = [json.loads(line) for line in (CORPUS / "bbc_news_summary/articles.jsonl").open()]
    before = after = 0
    for row in rows[::10]:
        before += len(split_sentences(row["text"]))
        after += len(split_sentences(kept(row["text"])))
    assert before > 1000
    assert after >= 0.995 * before


def test_real_multinews_titles_are_not_datelines():
    from newsdigest.audit import title_reason

    rows = [json.loads(line) for line in (CORPUS / "multinews_sample/articles.jsonl").open()]
    titles = [
        clean_article(Article(id=r["id"], text=r["text"], origin=r["id"])).title for r in rows
    ]
    bad = [t for t in titles if t and title_reason(t) == "dateline"]
    assert len([t for t in titles if t]) > 600
    assert bad == []


# --- pages that are not articles (nonarticle.py) ---------------------------------------


def test_non_article_pages_are_skipped_with_their_reason():
    from helpers import prepare_documents
    from newsdigest.nonarticle import non_article_reason

    crawl = [
        "The seed for this crawl was a list of every host the crawler had seen.",
        "Each crawl ran for a month, and the seed list grew every crawl.",
    ]
    wall = ["Welcome back.", "Why are we asking this?", "Already have an account? Sign in."]
    gallery = ["Flooded streets in Eastham", "Rescuers at work", "The harbour wall"]
    article = ["The council closed the bridge on Monday after engineers found cracks."]
    assert non_article_reason(crawl) == "a web-archive crawl notice"
    assert non_article_reason(wall) == "a sign-in or robot wall"
    assert non_article_reason(gallery).startswith("no prose")
    assert non_article_reason(article) is None
    problems: list = []
    kept = prepare_documents(
        [
            Article(id="w", origin="wall.html", text="\n".join(wall)),
            Article(id="a", origin="a.txt", text=article[0]),
        ],
        problems,
    )
    assert [d.id for d in kept] == ["a"]
    assert [str(p) for p in problems] == [
        "wall.html: skipped: not an article: a sign-in or robot wall"
    ]


def test_real_articles_are_not_taken_for_non_articles():
    """Every BBC and CNN/DailyMail article is an article."""
    from newsdigest.nonarticle import non_article_reason

    for name in ("bbc_news_summary", "frank_cnndm_xsum"):
        rows = [json.loads(line) for line in (CORPUS / name / "articles.jsonl").open()]
        for row in rows[::3]:
            article = clean_article(Article(id=row["id"], text=row["text"], origin=row["id"]))
            assert non_article_reason(split_sentences(article.text)) is None, row["id"]


def test_a_caption_that_says_where_people_stand_goes():
    text = (
        "Ann Roe, left, greets Bo Li at the harbour in Eastham on Tuesday The ferry resumed "
        "service on Friday.\nThe harbour master, Jo Bloggs, said the quay was safe."
    )
    assert kept(text) == (
        "The ferry resumed service on Friday.\nThe harbour master, Jo Bloggs, said the quay was safe."
    )


def test_a_dash_left_of_a_dateline_goes():
    assert kept("-- A ferry ran aground off Eastham on Friday.") == (
        "A ferry ran aground off Eastham on Friday."
    )


def test_a_story_without_input_titles_takes_its_most_representative_derived_one():
    from helpers import document
    from newsdigest.stories import new_story

    odd = document("Weather stayed dry all week in the valley.\nThe bridge reopened.", id="a")
    lead = document(
        "The Eastham bridge reopened on Friday after three weeks of repairs.\n"
        "Engineers said the Eastham bridge was safe.",
        id="b",
    )
    other = document(
        "Commuters crossed the Eastham bridge again on Friday.\nRepairs took three weeks.",
        id="c",
    )
    story = new_story([odd, lead, other], set())
    assert story.title == "The Eastham bridge reopened on Friday after three weeks of repairs"
    assert story.title_derived
    titled = document("Text of it.", id="d", title="Bridge reopens")
    assert new_story([lead, titled], set()).title == "Bridge reopens"
    assert not new_story([lead, titled], set()).title_derived
