"""Captions and furniture inside split sentences (newsdigest.captions), on text written here."""

from helpers import document
from newsdigest.captions import (
    ends_as_sentence,
    glue_points,
    is_caption_or_furniture,
    opens_with_label,
)


def test_a_caption_glued_to_the_next_sentence_is_found_where_the_sentence_begins():
    glued = "Volunteers fill sandbags outside the town hall in Marlow on Tuesday He said the river would peak tonight."
    [point] = glue_points(glued)
    assert glued.split()[point] == "He"
    assert is_caption_or_furniture(glued)
    # The splitter keeps such a pair as one sentence (there is no full stop between them),
    # so cleaning splits the caption off first (unfurnish.py): two sentences.
    assert len(document(glued).sentences) == 2
    label = "Rescuers reach the flooded farm by boat Stranded: The family waited on the roof for six hours."
    assert [label.split()[p] for p in glue_points(label)] == ["Stranded:"]


def test_names_titles_and_function_words_are_not_glue():
    for sentence in (
        "The council told The Times that the bridge would reopen in May.",
        "She starred in Lost In Translation before she turned to directing.",
        "The story was first reported by The Marlow Gazette on Sunday.",
        "Work on the bridge starts in June and should end before the winter.",
        "Police said the driver, who lives in Henley, was not hurt in the crash.",
    ):
        assert glue_points(sentence) == [], sentence
        assert not is_caption_or_furniture(sentence), sentence
    # A colon after a name is the name's own sentence going on, not a caption label.
    assert (
        glue_points("The mayor thanked the White House: The grant pays for half the repairs.") == []
    )


def test_label_openings():
    assert opens_with_label("Stranded: A family waits on the roof of their farm near Marlow.")
    assert opens_with_label("All hands on deck: Volunteers fill sandbags outside the town hall.")
    assert not opens_with_label("He said: That is the last time the river will flood the town.")
    assert not opens_with_label("The Wind in the Willows: Toad Hall opens to visitors on Friday.")
    assert not opens_with_label('The mayor said: "We will rebuild the bridge."')


def test_lines_without_a_sentence_end_are_furniture():
    assert not ends_as_sentence("Scroll down to watch the rescue")
    assert is_caption_or_furniture("Scroll down to watch the rescue")
    assert is_caption_or_furniture("Flood warnings in force:")
    for sentence in (
        "The river rose two metres overnight.",
        'The mayor said: "We will rebuild."',
        "Will the bridge reopen before winter?",
        "The bridge (built in 1832) is closed.)",
    ):
        assert ends_as_sentence(sentence), sentence
