import pytest

from newsdigest.sentences import split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The U.S. economy grew. It was fine.", ["The U.S. economy grew.", "It was fine."]),
        (
            "He arrived Jan. 5 at 10 a.m. Then he left.",
            ["He arrived Jan. 5 at 10 a.m.", "Then he left."],
        ),
        (
            "Mr. Smith met Dr. J. R. Doe in Washington. Next day he flew home.",
            ["Mr. Smith met Dr. J. R. Doe in Washington.", "Next day he flew home."],
        ),
        (
            '"We will stay," he said. "Nobody leaves." She agreed.',
            ['"We will stay," he said.', '"Nobody leaves."', "She agreed."],
        ),
        ("It was late... The crowd left.", ["It was late...", "The crowd left."]),
        ("He paused... then spoke.", ["He paused... then spoke."]),
        (
            "Prices rose 2.5% to $1.13bn. Analysts (e.g. Mr. Jones) agreed.",
            ["Prices rose 2.5% to $1.13bn.", "Analysts (e.g. Mr. Jones) agreed."],
        ),
        (
            "It ended in the U.S. The next day was calm.",
            ["It ended in the U.S.", "The next day was calm."],
        ),
    ],
)
def test_tricky_sentences(text, expected):
    assert split_sentences(text) == expected


def test_line_without_full_stop_is_its_own_sentence():
    # A subheading such as the one in the Al Jazeera seed must not swallow the next sentence.
    text = "Putin praises al-Sharaa's 'great success'\nWelcoming al-Sharaa, Putin hailed decades of ties."
    assert split_sentences(text) == [
        "Putin praises al-Sharaa's 'great success'",
        "Welcoming al-Sharaa, Putin hailed decades of ties.",
    ]


def test_empty_and_punctuation_only_text_has_no_sentences():
    assert split_sentences("") == []
    assert split_sentences("  \n\n ---\n***") == []


def test_seed_sentences_are_all_of_the_text(seeds):
    text = (seeds / "000_de328b338cb2a0fb.txt").read_text(encoding="utf-8")
    sentences = split_sentences(text)
    assert len(sentences) == 16  # 15 sentences and the "Bonus video:" line
    assert sentences[6].startswith('"Throughout all these decades')
    assert sentences[7] == 'We really have very deep ties with the Syrian people," Putin said.'
    assert "".join(sentences).replace(" ", "") == "".join(text.split())
