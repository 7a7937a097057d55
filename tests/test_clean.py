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
    article = clean_article(
        Article(
            id="a",
            origin="a",
            title="Own title",
            source="Own outlet",
            text="Body text here.\nThe post Other appeared first on Elsewhere.",
        )
    )
    assert (article.title, article.source, article.text) == (
        "Own title",
        "Own outlet",
        "Body text here.",
    )


def test_boilerplate_only_matches_whole_lines():
    text = "Officials said a bonus video: was shown.\nAdvertisement\nRead more: how it happened"
    cleaned, trailer = strip_boilerplate(text)
    assert cleaned == "Officials said a bonus video: was shown."
    assert trailer is None


def test_normalise_quotes_spaces_and_unicode():
    assert (
        normalise_text("Caf\u0065\u0301  \u201cquoted\u201d\u00a0it\u2019s\r\n\n\n\nnext\u200b")
        == 'Caf\u00e9 "quoted" it\'s\n\nnext'
    )


def test_what_a_scraped_page_shows_instead_of_its_media_is_removed():
    # The shape of a broadcaster's page fetched from a web archive: a player notice with
    # the video's caption, the story, a photo credit and caption, the rest of the story.
    page = (
        "Media playback is unsupported on your device Media caption The minister speaks to reporters\n\n"
        "The minister resigned on Tuesday after a week of pressure over the contract.\n\n"
        "Image copyright Reuters Image caption The minister leaving Downing Street\n\n"
        "Her deputy will take over until a successor is chosen, officials said.\n\n"
        "Please enable Javascript to watch this video\n"
        "Photo: Agency staff"
    )
    cleaned, _ = strip_boilerplate(normalise_text(page))
    assert cleaned == (
        "The minister resigned on Tuesday after a week of pressure over the contract.\n\n"
        "Her deputy will take over until a successor is chosen, officials said."
    )


def test_a_story_highlights_label_goes_and_the_highlight_stays():
    cleaned, _ = strip_boilerplate(
        "Story highlights Rescuers reach the trapped miners\n\n(Agency) Rescuers reached ..."
    )
    assert cleaned.startswith("Rescuers reach the trapped miners\n\n")
    # Only as a label opening a line: in a sentence the words are the reporter's.
    assert (
        strip_boilerplate("The story highlights the risks.")[0] == "The story highlights the risks."
    )


def test_a_page_that_is_only_a_site_notice_leaves_no_article(tmp_path):
    from helpers import prepare_documents

    notice = (
        "Tweet with a location\n\nYou can add location information to your Tweets, such as your city, "
        "from the web. You always have the option to delete it. Learn more"
    )
    crawl = (
        "Starting in 1996, Alexa Internet has been donating their crawl data to the Internet Archive. "
        "These data are added to the Wayback Machine after an embargo period."
    )
    problems = []
    documents = prepare_documents(
        [
            Article(id="n", origin="tweet.html", text=notice),
            Article(id="c", origin="crawl.html", text=crawl),
            Article(id="a", origin="story.txt", text="The council approved the budget on Monday."),
        ],
        problems,
    )
    assert [d.id for d in documents] == ["a"]
    assert sorted(str(p) for p in problems) == [
        "crawl.html: skipped: no text left after removing boilerplate",
        "tweet.html: skipped: no text left after removing boilerplate",
    ]
