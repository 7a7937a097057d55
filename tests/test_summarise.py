import numpy as np

from helpers import document, seed_documents
from newsdigest.rankers import (
    DEFAULT_RANKER,
    RANKERS,
    aboutness,
    central_lead,
    centrality,
    edited_lead,
    keep_antecedents,
    leans_on_previous,
    not_news,
    specifics,
)
from newsdigest.summarise import (
    Length,
    StorySentences,
    exclusive_sentences,
    story_opening,
    summarise_document,
    summarise_story,
)

FLOOD = """Heavy rain flooded the river town of Marlow on Tuesday, forcing 300 residents from their homes.
The river rose two metres overnight after a week of storms, the county council said.
Firefighters used boats to reach families trapped on upper floors.
A local bakery handed out free bread to volunteers.
The council has opened the town hall as an emergency shelter for flooded residents.
Forecasters expect more rain on Thursday, and the river may rise again."""


def test_summary_is_the_articles_own_sentences_in_document_order():
    doc = document(FLOOD)
    summary = summarise_document(doc)
    assert len(summary.sentences) == 3
    indices = [s.index for s in summary.sentences]
    assert indices == sorted(indices)
    for ref in summary.sentences:
        assert doc.sentences[ref.index] == ref.text
    assert summary.sentences[0].text.startswith("Heavy rain flooded")  # the lead carries the event
    assert "bakery" not in summary.text  # a side detail is not summary material


def test_length_in_sentences_and_words():
    doc = document(FLOOD)
    assert len(summarise_document(doc, Length(sentences=1)).sentences) == 1
    assert len(summarise_document(doc, Length(sentences=50)).sentences) == len(doc.sentences)
    by_words = summarise_document(doc, Length(words=30))
    assert (
        len(by_words.sentences) >= 1 and sum(len(s.text.split()) for s in by_words.sentences) <= 30
    )
    # A budget smaller than any sentence still gives one whole sentence.
    assert len(summarise_document(doc, Length(words=3)).sentences) == 1


def test_empty_and_tiny_documents():
    assert summarise_document(document("")).sentences == ()
    one = document("Only one sentence here.")
    assert [s.text for s in summarise_document(one).sentences] == ["Only one sentence here."]
    two = document("The first. The second.")
    assert [s.text for s in summarise_document(two).sentences] == ["The first.", "The second."]
    stop_words_only = document("It is what it is. And so on.")
    assert len(summarise_document(stop_words_only).sentences) == 2


def test_summary_depends_only_on_its_article():
    # Each summary is fitted on its own article, so other input cannot change it.
    seeds = seed_documents()
    alone = [summarise_document(d) for d in seeds]
    with_others = [summarise_document(d) for d in [document(FLOOD, id="flood"), *seeds]][1:]
    assert alone == with_others


def test_story_summary_draws_on_both_seeds_without_repeating_them():
    docs = seed_documents()
    summary = summarise_story(docs, Length(sentences=4))
    sources = {s.article_id for s in summary.sentences}
    assert sources == {d.id for d in docs}
    texts = [s.text for s in summary.sentences]
    assert len(texts) == len(set(texts)) == 4
    # Both outlets report the same lead, the same quote and the same "pragmatic
    # approach" line in other words; only one version of each may appear.
    paraphrases = [
        ("Interim Syrian President Ahmad", "Syria's President Ahmed al-Sharaa has told"),
        ("renew and redefine the new nature", "restore and redefine in a new way"),
        ("took a pragmatic approach", "have taken a pragmatic approach"),
    ]
    for one, other in paraphrases:
        assert not (any(one in t for t in texts) and any(other in t for t in texts)), (one, other)
    # Order follows the sources: the articles in story order, sentences in document order.
    keys = [([d.id for d in docs].index(s.article_id), s.index) for s in summary.sentences]
    assert keys == sorted(keys)


def test_exclusive_sentences_are_not_in_the_other_report():
    from newsdigest.summarise import EXCLUSIVE_THRESHOLD, overlap_vectors

    docs = seed_documents()
    only = exclusive_sentences(docs, per_article=2)
    assert set(only) == {d.id for d in docs} and all(len(refs) == 2 for refs in only.values())
    # Each exclusive is a sentence of its own article that no sentence of the other comes
    # close to, by the summariser's own measure; and they are the article's first such.
    vectors = overlap_vectors([s for d in docs for s in d.sentences])
    offsets = {docs[0].id: 0, docs[1].id: len(docs[0].sentences)}
    for d, doc in enumerate(docs):
        other = docs[1 - d]
        other_rows = vectors[offsets[other.id] : offsets[other.id] + len(other.sentences)]
        for ref in only[doc.id]:
            assert doc.sentences[ref.index] == ref.text
            closest = (vectors[offsets[doc.id] + ref.index] @ other_rows.T).toarray().max()
            assert closest < EXCLUSIVE_THRESHOLD, ref.text
        # A sentence that both reports carry (Putin's welcome, in other words) is never one.
        assert not any("Putin" in ref.text and "welcom" in ref.text.lower() for ref in only[doc.id])
    # The Al Jazeera report's own news: the pledge to honour past agreements.
    assert any("honour all past agreements" in ref.text for ref in only["004_76282857abeab87d"])
    assert exclusive_sentences(docs[:1]) == {}


ROADS = [
    "Road repairs begin in Marlow next month, the council said.",
    "The repairs will close the high street for two weeks.",
    "Drivers should use the ring road while the high street is closed.",
    "Shops on the high street expect fewer customers during the road repairs.",
    "A pothole on Mill Lane was first reported in 2019 by a cyclist.",
    "Pothole photo.",
]


def test_centrality_favours_the_sentence_linked_to_most_others():
    scores = centrality(ROADS)
    # "Shops on the high street ... road repairs" shares terms with three sentences.
    assert int(np.argmax(scores)) == 3 and scores.max() == 1.0
    assert scores[4] < scores[0] and scores[5] < scores[0]  # the pothole lines share one word
    assert list(centrality(["It is what it is.", "And so on."])) == [0.0, 0.0]
    assert list(centrality([])) == []


def test_ranker_blends_lead_and_centrality_and_penalises_short_lines():
    scores = central_lead(ROADS)
    assert int(np.argmax(scores)) == 0  # the lead, central enough, wins with its head start
    assert scores[3] > scores[2]  # later but more central
    assert int(np.argmin(scores)) == 5  # a two-word caption comes last
    summary = summarise_document(
        document(" ".join(ROADS)), Length(sentences=3), ranker="central-lead"
    )
    assert [s.index for s in summary.sentences] == [0, 1, 3]


def test_kept_ranker_scores_are_reused_and_match_a_fresh_ranking():
    from newsdigest.prepare import prepare_article

    doc = document(FLOOD)
    prepared = prepare_article(doc.article, Length(sentences=3))
    assert DEFAULT_RANKER == "edited-lead"
    sentences = prepared.document.sentences
    assert np.allclose(prepared.scores, RANKERS[DEFAULT_RANKER](sentences))  # the default ranker's
    assert summarise_story([doc], Length(sentences=2), [prepared.scores]) == summarise_story(
        [doc], Length(sentences=2)
    )
    # The story stage ranks by the scores it is given: with sentence 2 first and 4 next, it
    # opens with 2 and takes 4; nothing before its opening follows it (source order).
    kept = [0.9, 0.8, 1.0, 0.1, 0.95, 0.2]
    picked = [ref.index for ref in summarise_story([doc], Length(sentences=2), [kept]).sentences]
    assert picked == [2, 4]


BRIDGE = [
    "The county council approved a new footbridge over the River Thames at Marlow on Monday, after two years of debate.",
    "Work on the footbridge will start in June and cost 4.2 million pounds, paid mostly by a government grant.",
    "Residents have asked for a second crossing of the river since the old road bridge closed to lorries in 2021.",
    "Councillor Ann Price called the new Marlow footbridge a victory for residents.",
    "Cyclists will share the new crossing with walkers, and bike racks will be added on both banks of the river.",
    "The nearest other crossing is four miles downstream at Bourne End.",
]


def test_a_central_one_line_remark_loses_to_a_sentence_of_news():
    # The councillor's 12-word remark repeats the lead's terms, so it is central;
    # sentences under 15 words are asides more often than news in both reference
    # sets, and the penalty lets the full sentence about cyclists through instead.
    scores = central_lead(BRIDGE)
    assert centrality(BRIDGE)[3] > centrality(BRIDGE)[4]
    assert scores[4] > scores[3]
    summary = summarise_document(
        document(" ".join(BRIDGE)), Length(sentences=3), ranker="central-lead"
    )
    assert [s.index for s in summary.sentences] == [0, 2, 4]


# --- edited-lead, the default ranker: the lead less what is not news ---

COLLAPSE = [
    "Nobody expected a quiet stroll by the water to end like this.",
    "A footbridge over the river at Marlow collapsed on Sunday, injuring four walkers.",
    "The footbridge over the river had been closed for repairs and reopened last spring.",
    "Engineers from the county council are inspecting the footbridge and the river banks.",
    "Councillor Ann Price said the collapse of the footbridge would be investigated.",
    "The four walkers were taken to Wycombe Hospital with minor injuries.",
]


def indices(sentences, n=3, ranker=DEFAULT_RANKER):
    summary = summarise_document(document("\n".join(sentences)), Length(sentences=n), ranker=ranker)
    return [s.index for s in summary.sentences]


def test_the_lead_is_the_summary_when_it_is_news():
    assert indices(ROADS) == [0, 1, 2]
    scores = edited_lead(ROADS)
    # Scores are 1/(1 + position) for news, so two articles' scores compare by position.
    assert scores[0] == 1.0 and scores[1] == 0.5 and list(scores) == sorted(scores, reverse=True)
    assert list(edited_lead([])) == []


def test_an_opener_that_is_not_about_the_article_gives_way_to_the_next_sentence():
    about = aboutness(COLLAPSE)
    assert about[0] == 0.0 and min(about[1:4]) > 0.1  # shares no term with the rest
    assert list(not_news(COLLAPSE)) == [True, False, False, False, False, False]
    assert indices(COLLAPSE) == [1, 2, 3]
    # An opener in words of its own that names who and where is news: it stays.
    named = [
        "Jo Baker, 54, was first on the scene at dawn, Thames Valley Police said.",
        *COLLAPSE[1:],
    ]
    assert aboutness(named)[0] < 0.05 and specifics(named[0]) == 5 and not not_news(named)[0]
    assert indices(named) == [0, 1, 2]


def test_a_question_opener_gives_way():
    asked = ["Is the footbridge over the river at Marlow safe to use?", *COLLAPSE[1:]]
    assert not_news(asked)[0]
    assert indices(asked) == [1, 2, 3]


def test_captions_and_furniture_go_last():
    caption = "Wreckage: The broken deck lies in the river at Marlow on Sunday The council closed the path."
    glued = [
        COLLAPSE[1],
        caption,
        COLLAPSE[2],
        "Scroll down to watch the rescue",
        COLLAPSE[3],
        COLLAPSE[4],
    ]
    scores = edited_lead(glued)
    assert scores[1] < -1 and scores[3] < -1  # below every other sentence
    # In a document, cleaning has split the caption off the sentence glued to it
    # (unfurnish.py): "The council closed the path." is sentence 2 of its own, and the
    # caption (1) and the furniture (4) still go last.
    assert document("\n".join(glued)).sentences[1:3] == (
        "Wreckage: The broken deck lies in the river at Marlow on Sunday",
        "The council closed the path.",
    )
    assert indices(glued) == [0, 2, 3]
    assert indices(glued, n=7) == [0, 1, 2, 3, 4, 5, 6]  # all of them when asked for all


def test_a_sentence_that_leans_on_the_one_before_never_ranks_above_it():
    assert leans_on_previous("He said the bridge would reopen.")
    assert leans_on_previous("'But we will rebuild it,' she said.")
    assert leans_on_previous("The company denied the claim.")
    assert not leans_on_previous("Helen Smith said the bridge would reopen.")  # a name, not "He"
    assert not leans_on_previous("There were four walkers on the bridge.")
    scores = keep_antecedents(
        np.array([0.2, 1.0, 0.5, 0.9]), ["A bridge fell.", "He saw it.", "But then.", "Rain."]
    )
    assert scores[0] > scores[1] > scores[2] and scores[3] == 0.9
    # The teaser goes, and so does the sentence that only makes sense after it.
    teaser = [COLLAPSE[0], "But it did, for four walkers on Sunday.", *COLLAPSE[1:]]
    assert indices(teaser) == [2, 3, 4]


def test_story_summary_opens_with_the_lead_the_outlets_agree_on():
    angle = document(
        "Market traders in Marlow counted their losses on Wednesday as the high street stayed shut. "
        "Some shops expect to stay closed for a month.",
        id="a",
    )
    first = document(
        "The River Thames burst its banks at Marlow on Tuesday, flooding 300 homes. "
        "Firefighters rescued families from upper floors.",
        id="b",
    )
    second = document(
        "The Thames burst its banks in Marlow on Tuesday and flooded 300 homes, the council said. "
        "Forecasters expect more rain on Thursday.",
        id="c",
    )
    docs = [angle, first, second]

    def ranked(documents):
        return [RANKERS[DEFAULT_RANKER](d.sentences) for d in documents]

    opening = story_opening(docs, ranked(docs), StorySentences(docs))
    assert opening in ((1, 0), (2, 0))
    summary = summarise_story(docs, Length(sentences=3))
    keys = [(["a", "b", "c"].index(s.article_id), s.index) for s in summary.sentences]
    assert keys[0] == opening and keys == sorted(keys)  # it comes first, in source order
    # Two articles: the first one's lead.
    assert story_opening(docs[:2], ranked(docs[:2]), StorySentences(docs[:2])) == (0, 0)
    # The stage's kept scores decide the opening as they decide the rest.
    pair = [angle, first]
    assert story_opening(pair, [ranked([angle])[0], [0.0, 1.0]], StorySentences(pair)) == (0, 0)
    assert story_opening([first], [[0.0, 1.0]], StorySentences([first])) == (0, 1)


def test_story_summary_skips_a_sentence_whose_antecedent_was_not_taken():
    one = document(
        "Mayor Ann Price opened the new footbridge in Marlow on Monday. "
        "The bridge cost four million pounds.",
        id="one",
    )
    other = document(
        "Mayor Ann Price opened the new footbridge at Marlow on Monday. "
        "She thanked the engineers who built it.",
        id="other",
    )
    summary = summarise_story([one, other], Length(sentences=3))
    # The other outlet's lead repeats the first one's and is left out; "She thanked ..."
    # would then follow "The bridge cost ...", so it is left out too.
    assert [(s.article_id, s.index) for s in summary.sentences] == [("one", 0), ("one", 1)]
