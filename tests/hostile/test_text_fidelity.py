"""Zero-width joiners and non-joiners are text (emoji sequences, Persian and Indic spelling);
bidirectional controls in a title, an outlet or a name can disguise it and are removed."""

from newsdigest.clean import clean_article, normalise_text
from newsdigest.model import Article
from newsdigest.prepare import prepare_articles

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # man ZWJ woman ZWJ girl: one emoji
PERSIAN = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # "mi-khaham", ZWNJ inside
HINDI = "\u0915\u094d\u200d\u0937"  # a half form made with ZWJ


def test_joiners_and_non_joiners_are_kept():
    for text in (FAMILY, PERSIAN, HINDI):
        assert (
            normalise_text(f"They wrote {text} on the sign.") == f"They wrote {text} on the sign."
        )


def test_bidi_controls_are_removed_from_title_outlet_and_author_but_not_joiners():
    article = Article(
        "a",
        f"The council met about the ferry {PERSIAN} on Monday morning.",
        "in/a.md",
        title="Invoice \u202egpj.exe\u202c for the ferry \u2066repairs\u2069",
        source="Harbour \u202bTimes\u202c",
        author=f"Sara {PERSIAN} \u2067Karimi\u2069",
    )
    cleaned = clean_article(article)
    assert cleaned.title == "Invoice gpj.exe for the ferry repairs"
    assert cleaned.source == "Harbour Times"
    assert cleaned.author == f"Sara {PERSIAN} Karimi"
    assert PERSIAN in cleaned.text


def test_the_removal_is_reported():
    article = Article(
        "a", "The council met on Monday.", "in/a.md", title="A \u202etitle", source="Out\u2066let"
    )
    problems = [str(p) for p in prepare_articles([article]).problems]
    assert problems == [
        "in/a.md: repaired: bidirectional control characters removed from its title and outlet"
    ]
