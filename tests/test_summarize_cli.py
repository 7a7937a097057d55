"""`newsdigest summarize`: the command-line contract others evaluate with (issue 3)."""

import json

import pytest

from helpers import document, seed_documents
from newsdigest.cli import run
from newsdigest.summarise import Length, summarise_document, summarise_story

FLOOD = (
    "Heavy rain flooded the river town of Marlow on Tuesday, forcing 300 residents from their homes. "
    "The river rose two metres overnight after a week of storms, the county council said. "
    "Firefighters used boats to reach families trapped on upper floors. "
    "A local bakery handed out free bread to volunteers. "
    "The council has opened the town hall as an emergency shelter for flooded residents."
)
SHELTER = (
    "Marlow's town hall became a shelter for flooded families on Tuesday night. "
    "Volunteers brought blankets and hot food for about 300 residents who left their homes. "
    "The county council said the river could rise again on Thursday."
)


@pytest.fixture
def articles(tmp_path):
    rows = [
        {"id": "flood", "text": FLOOD, "label": "marlow"},
        {"id": "empty", "text": "Advertisement\nAll rights reserved.", "label": "marlow"},
        {"id": "no-text", "title": "A line without text", "label": "other"},
        {"id": "flood", "text": FLOOD, "label": "marlow"},  # a duplicate: still answered
        {
            "id": "shelter",
            "text": SHELTER,
            "label": "marlow",
            "date": "yesterday",
        },  # bad date: build skips it
    ]
    path = tmp_path / "articles.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def lines(capsys) -> list[dict]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_every_input_id_in_input_order_with_empty_summaries(articles, capsys):
    assert run(["summarize", str(articles), "--jsonl"]) == 0
    out = lines(capsys)
    assert [o["id"] for o in out] == ["flood", "empty", "no-text", "flood", "shelter"]
    by_id = {o["id"]: o for o in out}
    assert by_id["empty"] == {"id": "empty", "summary": "", "sentences": []}  # boilerplate only
    assert by_id["no-text"]["summary"] == ""
    assert out[0] == out[3]
    assert len(by_id["shelter"]["sentences"]) == 3  # summarised from its text despite the bad date
    for o in out:
        assert o["summary"] == " ".join(o["sentences"])


def test_summary_is_the_build_summariser_with_its_defaults(articles, capsys):
    assert (
        run(
            [
                "summarize",
                str(articles),
                "--jsonl",
                "--settings",
                str(articles.parent / "absent.yml"),
            ]
        )
        == 0
    )
    flood = lines(capsys)[0]
    expected = summarise_document(document(FLOOD, id="flood"), Length(sentences=3))
    assert flood["sentences"] == [s.text for s in expected.sentences]


def test_length_options(articles, capsys):
    assert run(["summarize", str(articles), "--jsonl", "-n", "1"]) == 0
    assert {len(o["sentences"]) for o in lines(capsys) if o["sentences"]} == {1}
    # A word budget: the best sentences while they fit, so FLOOD's 30 words hold two of
    # its five sentences (the lead and the rise of the river), in text order.
    assert run(["summarize", str(articles), "--jsonl", "--words", "30"]) == 0
    flood = next(o for o in lines(capsys) if o["id"] == "flood")
    expected = summarise_document(document(FLOOD, id="flood"), Length(words=30))
    assert flood["sentences"] == [s.text for s in expected.sentences]
    assert len(flood["sentences"]) == 2 and sum(len(s.split()) for s in flood["sentences"]) <= 30
    assert FLOOD.index(flood["sentences"][0]) < FLOOD.index(flood["sentences"][1])
    # A budget below the best sentence's length still gives that one sentence.
    assert run(["summarize", str(articles), "--jsonl", "--words", "2"]) == 0
    flood = next(o for o in lines(capsys) if o["id"] == "flood")
    best = summarise_document(document(FLOOD, id="flood"), Length(sentences=1)).sentences[0].text
    assert flood["sentences"] == [best] and len(best.split()) > 2
    assert run(["summarize", str(articles), "--jsonl", "-n", "2", "--words", "30"]) == 2


def test_by_field_gives_one_story_summary_per_value(articles, capsys):
    assert run(["summarize", str(articles), "--jsonl", "--by", "label", "--words", "60"]) == 0
    out = lines(capsys)
    assert [o["label"] for o in out] == ["marlow", "other"]
    marlow = out[0]
    assert marlow["summary"] == " ".join(marlow["sentences"])
    assert marlow["sentences"] and sum(len(s.split()) for s in marlow["sentences"]) <= 60
    assert len(set(marlow["sentences"])) == len(
        marlow["sentences"]
    )  # the duplicate article adds nothing twice
    assert out[1] == {"label": "other", "summary": "", "sentences": []}


def test_by_field_matches_the_site_story_summary(tmp_path, capsys):
    docs = seed_documents()
    rows = [{"id": d.id, "text": d.article.text, "label": "syria"} for d in docs]
    path = tmp_path / "seeds.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert run(["summarize", str(path), "--jsonl", "--by", "label", "-n", "4"]) == 0
    [story] = lines(capsys)
    expected = summarise_story(docs, Length(sentences=4))
    assert story["sentences"] == [s.text for s in expected.sentences]


def test_plain_text_output_and_other_inputs(seeds, capsys):
    assert run(["summarize", str(seeds), "-n", "1"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n# ") + out.startswith("# ") == 2 and out.count("\n- ") == 2
