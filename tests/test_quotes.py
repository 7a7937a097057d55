"""Who a quote is credited to (issue 17), and the evaluation against hand labels.

Every sentence here is invented for the test; none comes from the corpus.
"""

import json

import pytest

from helpers import document
from newsdigest.cli import run
from newsdigest.evaluation.quotes import (
    Judged,
    Label,
    candidates,
    evaluate,
    figures,
    has_quotation,
    normalise_name,
    sentence_hash,
)
from newsdigest.quotes import find_quotes, quote_in

SAID = '"The new timetable will be published before the end of the month,"'


def speaker(sentence: str) -> str | None:
    found = quote_in(sentence)
    assert found, sentence
    return found[1]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # A role before the name: the name, not the outlet or the university.
        (f"{SAID} said CNN senior political analyst Dora Keel.", "Dora Keel"),
        (f"{SAID} said University of Leeds law professor Stefan Varga.", "Stefan Varga"),
        (f"{SAID} Foreign Ministry spokesman Lu Wen said on Friday.", "Lu Wen"),
        (
            f"{SAID} League of Coastal Towns President Gene Marlow said in a statement.",
            "Gene Marlow",
        ),
        (f"{SAID} said general manager Ed Brannock at a news conference.", "Ed Brannock"),
        (f"{SAID} Southwest spokesperson Tessa Conway Hale told reporters.", "Tessa Conway Hale"),
        (
            f"{SAID} Interior Minister Sheikh Khalid bin Omar al-Nuri said.",
            "Khalid bin Omar al-Nuri",
        ),
        # Initials and middle initials are part of the name, never its end.
        (f"{SAID} said William E. Smith.", "William E. Smith"),
        (
            'Tyler Q. Barnes said: "We expect the rules to change within the next two years."',
            "Tyler Q. Barnes",
        ),
        (f"{SAID} said the lawyer, Harold W. Grant III.", "Harold W. Grant III"),
        # A title keeps its surname company, and goes when a full name follows.
        (f"{SAID} Dr. Ames said.", "Dr. Ames"),
        (f"{SAID} Coach Dana Ruiz said.", "Dana Ruiz"),
        # Organisations when they are the speaker.
        (f"{SAID} the White House said in a statement.", "White House"),
        (f"{SAID} the Department of Transport said.", "Department of Transport"),
        # "said X, who ...", appositions, ages, places.
        (f"{SAID} said Maria Lopes, who has run the depot for 40 years.", "Maria Lopes"),
        (
            f"{SAID} Nadia Brandt, a spokeswoman for the port authority, told reporters.",
            "Nadia Brandt",
        ),
        (f"{SAID} Tomas Ruiz, 56, said.", "Tomas Ruiz"),
        (f"{SAID} Karim, 35, from Tunisia told a news agency.", "Karim"),
        (f"{SAID} said Ruth Oduya of Kent.", "Ruth Oduya"),
        (
            'Her lawyer, Jon Ames, said the ruling was "a victory for every tenant in the city."',
            "Jon Ames",
        ),
        # Several speakers, owners, other attributions.
        (f"{SAID} said Lena Park and Omar Reyes.", "Lena Park and Omar Reyes"),
        (
            f"{SAID} the Tax Council's Lena Park and Omar Reyes recently noted.",
            "Lena Park and Omar Reyes",
        ),
        (f"{SAID} according to Rita Okafor.", "Rita Okafor"),
        (f'{SAID[:-2]}." — Harriet Vane', "Harriet Vane"),
        (
            'Amir Hadid told the council on Tuesday that the road would "cut the journey to the coast by half."',
            "Amir Hadid",
        ),
        (
            'Lena Park said the talks were "a start" but added: "We are still far apart on the question of money."',
            "Lena Park",
        ),
        (
            '"Yes," Joseph Marr answered, "but it took us nearly two whole years to get there."',
            "Joseph Marr",
        ),
    ],
)
def test_the_speaker_is_the_person_the_attribution_names(sentence, expected):
    assert speaker(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        f"{SAID} he said.",  # a pronoun is not resolved
        f"{SAID} the mayor said.",  # a title alone
        f"{SAID} the Mayor said.",
        f"{SAID} said the Prime Minister.",
        f"{SAID} officials said.",  # descriptions
        f"{SAID} Police said.",
        f"{SAID} a White House spokesman said.",
        f"{SAID} said a spokesman for the Harbour Board.",
        f"{SAID} a longtime Dubliner told me.",
        f"{SAID} one woman in Tralee told a reporter.",
        f"{SAID} said one Senate aide.",
        f"{SAID} the German added.",
        f"{SAID} the woman who met Carla Mendes said.",  # a name inside someone else's description
        '"We will build the bridge this year and open it next spring." Carla Mendes has accused the council.',
        '"We will build the bridge this year and open it next spring."',  # no attribution at all
    ],
)
def test_no_speaker_where_the_sentence_names_nobody(sentence):
    assert speaker(sentence) is None


def test_a_quote_split_over_sentences_keeps_its_speaker():
    doc = document(
        '"The first part of the work is done. The second part starts in May," said Ines Volk. '
        "Nothing else happened."
    )
    quotes = find_quotes(doc)
    assert [(q.text, q.speaker) for q in quotes] == [
        ("The first part of the work is done. The second part starts in May", "Ines Volk")
    ]


def test_titles_and_short_quotes_are_not_quotes():
    assert (
        quote_in('She appeared on "The Late Show With Someone Famous Every Night" last week.')
        is None
    )
    assert quote_in('He called it "a bad idea" and left.') is None  # under six words
    # The marks pair in order: the words between two short quotes are no quote.
    assert (
        quote_in('It was "odd" and then the whole room went quiet for a while and "sad" too.')
        is None
    )
    assert (
        quote_in('It was "odd," she said, "and nobody in the room knew what to say next."')[0]
        == "and nobody in the room knew what to say next."
    )


def test_the_quote_is_the_first_of_six_words_or_more():
    text, who = quote_in(
        '"Fine," said Ada Moss. "We will all be back here again next year," said Ben Ito.'
    )
    assert (text, who) == ("We will all be back here again next year", "Ben Ito")


# --- the evaluation ----------------------------------------------------------
def test_names_compare_without_case_titles_or_a_leading_the():
    assert normalise_name("the White House") == normalise_name("White House") == "white house"
    assert normalise_name("Sen. Tyler Q. Barnes") == normalise_name("Tyler Q. Barnes")
    assert normalise_name("Mr Moss") == "moss"
    assert normalise_name("Harold W. Grant III") == normalise_name("Harold W. Grant")
    assert normalise_name("King") == "king"  # a title alone stays what it is
    assert normalise_name(None) is None


def test_figures_count_a_wrong_name_against_precision_and_recall():
    def judged(gold, found):
        return Judged(Label("c", "a", "h", gold), "", found)

    items = [
        judged("Ada Moss", "Ada Moss"),
        judged("Ben Ito", "Ito"),
        judged(None, "Mayor"),
        judged("Cy Dunn", None),
        judged(None, None),
    ]
    result = figures(items)
    assert result["named"] == 3 and result["gold_named"] == 3 and result["correct"] == 1
    assert result["precision"] == pytest.approx(100 / 3)
    assert result["recall"] == pytest.approx(100 / 3)
    assert result["named_share"] == 60.0 and result["gold_named_share"] == 60.0


ARTICLES = [
    {
        "id": "a1",
        "title": "Harbour",
        "text": '"We will reopen the harbour road before the summer," said harbour '
        'master Ada Moss. The road has been closed since March. "Nobody expected the repairs to take so long," '
        "he said.",
    },
    {
        "id": "a2",
        "title": "School",
        "text": 'The school will stay open. "Every class will move to the new '
        'building in the autumn," the headteacher said. Parents welcomed the news.',
    },
]


@pytest.fixture
def labelled(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "news").mkdir(parents=True)
    (corpus / "news" / "articles.jsonl").write_text(
        "".join(json.dumps(a) + "\n" for a in ARTICLES), encoding="utf-8"
    )
    found = list(candidates(corpus, [("news/articles.jsonl", None)]))
    assert [c.article_id for c in found] == ["a1", "a1", "a2"]
    assert all(has_quotation(c.sentence) for c in found)
    gold = ["Ada Moss", None, None]
    labels = tmp_path / "labels.jsonl"
    rows = [
        {"corpus": c.corpus, "article_id": c.article_id, "sentence_sha256": c.sha256, "speaker": g}
        for c, g in zip(found, gold)
    ]
    rows.append(
        {
            "corpus": "news/articles.jsonl",
            "article_id": "a2",
            "sentence_sha256": sentence_hash("gone"),
            "speaker": "Someone",
        }
    )  # its sentence is no longer in the corpus
    rows.append(
        {
            "corpus": "news/articles.jsonl",
            "article_id": "a2",
            "sentence_sha256": "0" * 64,
            "speaker": None,
            "skip": "unusable",
        }
    )
    labels.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return corpus, labels


def test_evaluate_matches_labels_by_hash_and_reports_the_missing(labelled):
    corpus, labels = labelled
    result = evaluate(labels, corpus)
    assert result["labels"] == 5 and result["skipped"] == 1 and result["missing"] == 1
    assert result["sentences"] == 3
    assert (result["precision"], result["recall"]) == (100.0, 100.0)
    assert result["named_share"] == pytest.approx(100 / 3)


def test_eval_quotes_gate(labelled, tmp_path, capsys):
    corpus, labels = labelled
    floors = tmp_path / "floors.yml"
    floors.write_text("quotes:\n  precision: 97.0\n  recall: 85.0\n", encoding="utf-8")
    # The missing label fails the gate: a changed sentence splitter must not go unnoticed.
    assert (
        run(
            [
                "eval",
                "quotes",
                str(labels),
                "--corpus",
                str(corpus),
                "--floors",
                str(floors),
                "--gate",
                "quotes",
            ]
        )
        == 1
    )
    out = capsys.readouterr()
    assert (
        "precision 100.0 (1 of 1 named)" in out.out
        and "not found: news/articles.jsonl a2" in out.err
    )
    rows = [json.loads(line) for line in labels.read_text(encoding="utf-8").splitlines()]
    labels.write_text(
        "".join(json.dumps(r) + "\n" for r in rows if r["speaker"] != "Someone"), encoding="utf-8"
    )
    assert (
        run(
            [
                "eval",
                "quotes",
                str(labels),
                "--corpus",
                str(corpus),
                "--floors",
                str(floors),
                "--gate",
                "quotes",
            ]
        )
        == 0
    )
    assert "gate quotes: ok" in capsys.readouterr().out
