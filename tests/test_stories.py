"""Stories end to end on articles written for the tests: overrides, stable slugs, redirects,
explain, `group --jsonl` and the story scores."""

import json
import textwrap

import pytest

from newsdigest.cli import run
from newsdigest.configfile import ConfigInvalid
from newsdigest.evaluation.stories import bcubed, linkable_ceiling, purity, story_errors
from newsdigest.model import Story
from newsdigest.overrides import load_overrides
from newsdigest.permalinks import Registry, stable_slugs
from newsdigest.pipeline import build_digest
from newsdigest.render.pages import redirect_pages
from stories_text import (
    BUDGET,
    ESCAPE_NORWAY_A,
    ESCAPE_NORWAY_B,
    ESCAPE_TEXAS_A,
    ESCAPE_TEXAS_B,
    QUAKE_PERU_A,
    QUAKE_PERU_B,
)

ARTICLES = {
    "norway-a": (
        "Three inmates escape Halvorsen prison near Bergen",
        "Bergen Post",
        "2025-03-02",
        ESCAPE_NORWAY_A,
    ),
    "norway-b": ("Manhunt after Halvorsen jailbreak", "Nordic Wire", "2025-03-03", ESCAPE_NORWAY_B),
    "texas-a": (
        "Two inmates flee Cedar Ridge detention center",
        "Amarillo Star",
        "2025-03-06",
        ESCAPE_TEXAS_A,
    ),
    "texas-b": (
        "Cedar Ridge escapees crawled through air vent",
        "Panhandle News",
        "2025-03-06",
        ESCAPE_TEXAS_B,
    ),
    "peru-a": ("Earthquake hits Arequipa", "Lima Daily", "2025-03-04", QUAKE_PERU_A),
    "peru-b": ("Two dead in Arequipa quake", "Andes Wire", "2025-03-04", QUAKE_PERU_B),
    "leeds": ("Leeds approves school budget", "Yorkshire Times", "2025-03-05", BUDGET),
}


def write_articles(folder, names):
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        title, outlet, date, text = ARTICLES[name]
        (folder / f"{name}.md").write_text(
            f"---\ntitle: {title}\nsource: {outlet}\ndate: {date}\n---\n\n{text}\n",
            encoding="utf-8",
        )
    return folder


def stories_of(digest):
    return {s.slug: sorted(s.article_ids) for s in digest.stories}


@pytest.fixture
def articles(tmp_path):
    return write_articles(tmp_path / "in", ARTICLES)


def test_stories_and_their_slugs_come_from_the_oldest_article(articles, tmp_path):
    digest = build_digest([articles], topics_dir=tmp_path / "none")
    assert stories_of(digest) == {
        "three-inmates-escape-halvorsen-prison-near-bergen": ["norway-a", "norway-b"],
        "two-inmates-flee-cedar-ridge-detention-center": ["texas-a", "texas-b"],
        "earthquake-hits-arequipa": ["peru-a", "peru-b"],
        "leeds-approves-school-budget": ["leeds"],
    }


def test_a_story_keeps_its_slug_when_a_new_article_joins(tmp_path):
    first = build_digest([write_articles(tmp_path / "day1", ["norway-a", "peru-a"])])
    later = build_digest(
        [write_articles(tmp_path / "day2", ["norway-a", "peru-a", "norway-b", "peru-b"])]
    )
    assert set(stories_of(first)) == set(stories_of(later))
    assert stories_of(later)["earthquake-hits-arequipa"] == ["peru-a", "peru-b"]


def test_registry_keeps_slugs_and_redirects_merged_stories():
    before = Registry({"old-a": ("a1", "a2"), "old-b": ("b1",)}, {"ancient": "old-b"})
    # The grouping now puts a1, a2 and b1 together (a bridging article arrived) and
    # names the story after some other title.
    merged = [
        Story(slug="fresh-title", title="T", article_ids=("a1", "a2", "b1", "c1")),
        Story(slug="other", title="O", article_ids=("z1",)),
    ]
    stories, redirects, registry = stable_slugs(merged, before)
    assert [s.slug for s in stories] == ["old-a", "other"]
    assert redirects == {"old-b": "old-a", "ancient": "old-a"}  # chains land in one hop
    assert registry.stories == {"old-a": ("a1", "a2", "b1", "c1"), "other": ("z1",)}
    # A split: the part with most of the old articles keeps the slug, the other part gets its own.
    split = [
        Story(slug="x", title="X", article_ids=("a1",)),
        Story(slug="y", title="Y", article_ids=("a2", "b1")),
    ]
    stories, redirects, _ = stable_slugs(split, registry)
    assert [s.slug for s in stories] == ["x", "old-a"]
    assert "old-a" not in redirects


def test_redirect_pages_link_to_the_new_story():
    pages = redirect_pages({"old": "new"}, {"new": "New title"})
    page = pages["stories/old.md"]
    assert 'url=../new/"' in page and "[New title](new.md)" in page and "exclude: true" in page


def test_build_with_registry_writes_it_and_serves_redirects(articles, tmp_path):
    registry = tmp_path / "registry.json"
    registry.write_text(
        json.dumps(
            {
                "stories": {"old-norway-slug": ["norway-a"], "old-jail-slug": ["norway-b"]},
                "redirects": {},
            }
        ),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert (
        run(
            [
                "build",
                "-q",
                "--input",
                str(articles),
                "--out",
                str(out),
                "--topics",
                str(tmp_path / "none"),
                "--settings",
                str(tmp_path / "none.yml"),
                "--registry",
                str(registry),
            ]
        )
        == 0
    )
    saved = json.loads(registry.read_text(encoding="utf-8"))
    assert saved["stories"]["old-norway-slug"] == ["norway-a", "norway-b"]
    assert saved["redirects"] == {"old-jail-slug": "old-norway-slug"}
    assert (out / "docs" / "stories" / "old-norway-slug.md").exists()
    assert "url=../old-norway-slug/" in (out / "docs" / "stories" / "old-jail-slug.md").read_text(
        encoding="utf-8"
    )


OVERRIDES = """\
merge:
  - [three-inmates-escape-halvorsen-prison-near-bergen, two-inmates-flee-cedar-ridge-detention-center]
split: [peru-b]
retitle:
  earthquake-hits-arequipa: Deadly quake in southern Peru
hide: [leeds-approves-school-budget]
takedown: [texas-b]
"""


def test_editor_overrides_merge_split_retitle_hide_and_take_down(articles, tmp_path):
    topics = tmp_path / "topics"
    topics.mkdir()
    (topics / "overrides.yml").write_text(OVERRIDES, encoding="utf-8")
    digest = build_digest([articles], topics_dir=topics)
    assert stories_of(digest) == {
        "three-inmates-escape-halvorsen-prison-near-bergen": ["norway-a", "norway-b", "texas-a"],
        "earthquake-hits-arequipa": ["peru-a"],
        "two-dead-in-arequipa-quake": ["peru-b"],
    }
    assert "texas-b" not in digest.articles and "texas-b" not in digest.summaries
    assert digest.redirects == {
        "two-inmates-flee-cedar-ridge-detention-center": "three-inmates-escape-halvorsen-prison-near-bergen"
    }
    titles = {s.slug: s.title for s in digest.stories}
    assert titles["earthquake-hits-arequipa"] == "Deadly quake in southern Peru"
    out = tmp_path / "out"
    assert (
        run(
            [
                "build",
                "-q",
                "--input",
                str(articles),
                "--out",
                str(out),
                "--topics",
                str(topics),
                "--settings",
                str(tmp_path / "none.yml"),
            ]
        )
        == 0
    )
    pages = "".join(p.read_text(encoding="utf-8") for p in (out / "docs").rglob("*.md"))
    assert "Cedar Ridge escapees" not in pages and "air vent" not in pages  # taken down everywhere
    assert "Leeds" not in pages  # hidden
    assert not (out / "docs" / "stories" / "leeds-approves-school-budget.md").exists()


def test_override_mistakes_name_file_line_and_key(tmp_path):
    (tmp_path / "overrides.yml").write_text(
        textwrap.dedent("""\
        merge:
          - [only-one]
        hide: [Not A Slug]
        retitel: {}
        """),
        encoding="utf-8",
    )
    with pytest.raises(ConfigInvalid) as caught:
        load_overrides(tmp_path)
    errors = [str(e) for e in caught.value.errors]
    assert any(":2: merge" in e and "expected two or more slugs" in e for e in errors), errors
    assert any(":3: hide" in e and "'not-a-slug'" in e for e in errors), errors
    assert any(":4: retitel: unknown key; did you mean 'retitle'?" in e for e in errors), errors


def test_overrides_naming_missing_stories_warn(articles, tmp_path):
    (tmp_path / "overrides.yml").write_text(
        "hide: [no-such-story]\nsplit: [no-such-article]\n", encoding="utf-8"
    )
    digest = build_digest([articles], topics_dir=tmp_path)
    warnings = [str(p) for p in digest.problems if p.action == "warning"]
    assert any("overrides.yml:1" in w and "no story 'no-such-story'" in w for w in warnings), (
        warnings
    )
    assert any("overrides.yml:2" in w and "no article 'no-such-article'" in w for w in warnings), (
        warnings
    )


def test_topic_rules_that_match_nothing_warn(articles, tmp_path, capsys):
    topics = tmp_path / "topics"
    topics.mkdir()
    (topics / "jails.yml").write_text(
        "name: Jails\nmatch:\n  any: [prison, penitentiary]\n", encoding="utf-8"
    )
    (topics / "space.yml").write_text("name: Space\nmatch:\n  any: [astronaut]\n", encoding="utf-8")
    assert (
        run(
            [
                "check",
                "--topics",
                str(topics),
                "--settings",
                str(tmp_path / "no.yml"),
                "--input",
                str(articles),
            ]
        )
        == 0
    )
    err = capsys.readouterr().err
    assert "space.yml:2: match: topic 'space' matches no story" in err  # the rule's line
    assert "jails.yml:3: match.any: keyword 'penitentiary'" in err
    assert "keyword 'penitentiary' of topic 'jails' matches nothing" in err
    assert "'prison'" not in err


def test_explain_names_the_joining_pair_and_the_matching_rule(articles, tmp_path, capsys):
    topics = tmp_path / "topics"
    topics.mkdir()
    (topics / "jails.yml").write_text(
        "name: Jails\nmatch:\n  any: [jailbreak, escape]\n", encoding="utf-8"
    )
    assert (
        run(
            [
                "explain",
                "two-inmates-flee-cedar-ridge-detention-center",
                "--input",
                str(articles),
                "--topics",
                str(topics),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "'texas-a' ~ 'texas-b' cosine" in out
    assert "Dale" in out and "Interstate" in out  # shared names shown
    assert (
        "Jails (jails)" in out
        and "match.any: the story says 'escapees' in the headline of texas-b" in out
    )
    assert (
        run(
            [
                "explain",
                "leeds-approves-school-budget",
                "--input",
                str(articles),
                "--topics",
                str(topics),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "a single article" in out and "automatic" in out
    assert (
        run(
            [
                "explain",
                "earthquake-hits-arequipe",
                "--input",
                str(articles),
                "--topics",
                str(topics),
            ]
        )
        == 2
    )
    assert "did you mean earthquake-hits-arequipa?" in capsys.readouterr().err


def test_group_jsonl_prints_every_article_in_input_order(tmp_path, capsys):
    lines = [
        {"id": f"a{i}", "title": title, "text": text}
        for i, (title, _, _, text) in enumerate(ARTICLES.values())
    ]
    data = tmp_path / "in.jsonl"
    data.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    assert run(["group", str(data), "--jsonl"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["id"] for r in rows] == [f"a{i}" for i in range(7)]
    story = [r["story"] for r in rows]
    assert (
        story[0] == story[1] != story[2] == story[3]
        and story[4] == story[5]
        and len(set(story)) == 4
    )


def test_eval_stories_scores_against_labels_and_baselines(tmp_path, capsys):
    labels = ["norway", "norway", "texas", "texas", "peru", "peru", "leeds"]
    data = tmp_path / "gold.jsonl"
    data.write_text(
        "\n".join(
            json.dumps({"id": n, "title": t, "text": x, "label": label})
            for (n, (t, _, _, x)), label in zip(ARTICLES.items(), labels)
        )
        + "\n"
    )
    assert run(["eval", "stories", str(data), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["newsdigest"]["f1"] == 1.0 and result["singletons"]["precision"] == 1.0
    assert result["singletons"]["f1"] < 1.0 and "tfidf-average-link" in result
    # The gate of `make eval`: floors from the shared floors file, by entry.
    floors = tmp_path / "floors.yml"
    floors.write_text("met:\n  f1: 99.5\nmissed:\n  f1: 100.5\n", encoding="utf-8")
    assert run(["eval", "stories", str(data), "--floors", str(floors), "--gate", "met"]) == 0
    assert "gate met: ok" in capsys.readouterr().out
    assert run(["eval", "stories", str(data), "--floors", str(floors), "--gate", "missed"]) == 1
    assert (
        "gate missed: FAILED: newsdigest f1 100.00 is below the floor 100.50"
        in capsys.readouterr().err
    )
    # Floors measured on other data still gate, with a warning naming both corpora.
    floors.write_text("met:\n  corpus: sha256:0123456789abcdef\n  f1: 99.5\n", encoding="utf-8")
    assert run(["eval", "stories", str(data), "--floors", str(floors), "--gate", "met"]) == 0
    err = capsys.readouterr().err
    assert (
        f"{floors}:2: gate met: the floors were measured on corpus sha256:0123456789abcdef" in err
    )
    # The old gate options are gone: one gate, --floors/--gate.
    assert run(["eval", "stories", str(data), "--min-f1", "99"]) == 2


def test_eval_topics_reports_nmi_and_gates_on_it(tmp_path, capsys):
    labels = ["europe", "europe", "america", "america", "america", "europe", "europe"]
    data = tmp_path / "gold.jsonl"
    data.write_text(
        "\n".join(
            json.dumps({"id": n, "title": t, "text": x, "label": label})
            for (n, (t, _, _, x)), label in zip(ARTICLES.items(), labels)
        )
        + "\n"
    )
    floors = tmp_path / "floors.yml"
    floors.write_text("none:\n  nmi: 0\nall:\n  nmi: 100.5\nwrong:\n  f1: 50\n", encoding="utf-8")
    assert run(["eval", "topics", str(data), "--floors", str(floors), "--gate", "none"]) == 0
    out = capsys.readouterr().out
    assert "7 articles, 2 gold categories" in out and "NMI " in out and "gate none: ok" in out
    assert run(["eval", "topics", str(data), "--floors", str(floors), "--gate", "all"]) == 1
    assert "is below the floor 100.50" in capsys.readouterr().err
    assert run(["eval", "topics", str(data), "--floors", str(floors), "--gate", "wrong"]) == 1
    assert "floor for unknown figure 'f1'; expected one of nmi" in capsys.readouterr().err
    assert (
        run(["eval", "topics", str(data), "--floors", str(floors)]) == 2
    )  # --gate missing: a usage error


def test_eval_stories_lists_errors_and_the_ceiling(tmp_path, capsys):
    # Gold that no grouper can follow from the text: the Leeds budget filed with the Norway
    # escape (a missed merge it cannot see), and the two Texas reports filed as two stories.
    labels = ["norway", "norway", "texas", "texas-2", "peru", "peru", "norway"]
    data = tmp_path / "gold.jsonl"
    data.write_text(
        "\n".join(
            json.dumps({"id": n, "title": t, "text": x, "label": label})
            for (n, (t, _, _, x)), label in zip(ARTICLES.items(), labels)
        )
        + "\n"
    )
    assert run(["eval", "stories", str(data), "--json", "--errors"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["wrong_merges"] == [["texas-a", "texas-b"]]
    assert result["missed_merges"] == [["norway-a", "norway-b", "leeds"]]
    ceiling = result["linkable-ceiling"]
    assert ceiling["precision"] == 1.0 and ceiling["recall"] < 1.0 and ceiling["clusters"] == 5
    assert run(["eval", "stories", str(data), "--errors"]) == 0
    out = capsys.readouterr().out
    assert "wrong merges (one of our stories, several gold stories): 1" in out
    assert "gold texas-2  texas-b  A manhunt is under way in Amarillo" in out


def test_ceiling_cuts_gold_where_no_link_reaches():
    import numpy as np
    import scipy.sparse as sp

    # Articles 0-1-2 chained by strong links (0 and 2 only through 1), 3 with nothing in common.
    vectors = sp.csr_matrix(
        np.array([[1.0, 0, 0, 0], [0.6, 0.8, 0, 0], [0, 1.0, 0, 0], [0, 0, 0, 1.0]])
    )
    scores = linkable_ceiling(vectors, ["a", "a", "a", "a"], 0.5)
    assert scores.precision == 1.0 and scores.clusters == 2
    assert scores.recall == pytest.approx((3 * 3 / 4 + 1 / 4) / 4)
    assert story_errors([1, 1, 2, 2], ["x", "x", "x", "y"]) == ([[2, 3]], [[0, 1, 2]])


def test_bcubed_and_purity_by_hand():
    # gold {a,b,c}{d}; predicted {a,b}{c,d}: precision (1+1+.5+.5)/4, recall (2/3+2/3+1/3+1)/4
    precision, recall, f1 = bcubed([1, 1, 2, 2], ["x", "x", "x", "y"])
    assert precision == pytest.approx(0.75) and recall == pytest.approx(2.6667 / 4, abs=1e-4)
    assert f1 == pytest.approx(2 * precision * recall / (precision + recall))
    assert purity([1, 1, 2, 2], ["x", "x", "x", "y"]) == 0.75


def test_explain_says_why_a_topic_did_not_take_the_story(articles, tmp_path, capsys):
    topics = tmp_path / "topics"
    topics.mkdir()
    (topics / "jails.yml").write_text(
        "name: Jails\nmatch:\n  any: [jailbreak, escape]\n  exclude: [Cedar Ridge]\n",
        encoding="utf-8",
    )
    (topics / "quakes.yml").write_text(
        "name: Quakes\nmatch:\n  any: [earthquake]\n", encoding="utf-8"
    )
    slug = "two-inmates-flee-cedar-ridge-detention-center"
    assert run(["explain", slug, "--input", str(articles), "--topics", str(topics)]) == 0
    out = capsys.readouterr().out
    missed = out.split("Not under these editor topics:")[1]
    assert (
        "Jails (jails), " in missed
        and "match.exclude: excluded: 'Cedar Ridge' in the headline of texas-a" in missed
    )
    assert "Quakes (quakes), " in missed and "match.any: none of 'earthquake' appears" in missed
