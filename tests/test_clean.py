from newsdigest.clean import clean_article, normalise_text, strip_boilerplate
from newsdigest.model import Article


def _seed(seeds, name):
    return Article(id=name, text=(seeds / name).read_text(encoding="utf-8"), origin=name)


def test_bonus_video_line_is_removed(seeds):
    article = clean_article(_seed(seeds, "000_de328b338cb2a0fb.txt"))
    assert "Bonus video" not in article.text
    assert article.text.endswith("took a pragmatic approach in relations with Moscow.")


def test_post_trailer_is_removed_and_names_title_and_outlet(seeds):
    article = clean_article(_seed(seeds, "004_76282857abeab87d.txt"))
    assert "appeared first on" not in article.text
    assert article.source == "Al Jazeera"
    assert article.title == "Syria seeks to 'redefine' Russia ties, al-Sharaa tells Putin in Moscow"
    assert not article.title_derived
    assert article.text.endswith("Moscow has also reportedly sent oil shipments to Syria.")


def test_without_metadata_the_title_is_the_first_sentence_and_the_outlet_stays_unknown(seeds):
    article = clean_article(_seed(seeds, "000_de328b338cb2a0fb.txt"))
    assert article.source is None and article.date is None and article.url is None
    assert article.title_derived
    assert article.title.startswith("Interim Syrian President Ahmad al-Shareh said in Moscow")
    assert len(article.title) <= 101 and article.title.endswith("…")


def test_given_metadata_wins_over_the_trailer():
    article = clean_article(Article(id="a", origin="a", title="Own title", source="Own outlet",
                                    text="Body text here.\nThe post Other appeared first on Elsewhere."))
    assert (article.title, article.source, article.text) == ("Own title", "Own outlet", "Body text here.")


def test_boilerplate_only_matches_whole_lines():
    text = "Officials said a bonus video: was shown.\nAdvertisement\nRead more: how it happened"
    cleaned, trailer = strip_boilerplate(text)
    assert cleaned == "Officials said a bonus video: was shown."
    assert trailer is None


def test_normalise_quotes_spaces_and_unicode():
    assert normalise_text("Caf\u0065\u0301  \u201cquoted\u201d\u00a0it\u2019s\r\n\n\n\nnext\u200b") == \
        'Caf\u00e9 "quoted" it\'s\n\nnext'
