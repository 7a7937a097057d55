"""One story stage: `group`, `eval stories`, `explain` and `build` see the same stories
(copies merged first, the settings file, the overrides, the registry when given)."""

import json

import pytest

from newsdigest.cli import run
from newsdigest.evaluation import agreement
from newsdigest.evaluation.agreement import StoriesDiffer, group_build_agreement
from newsdigest.pipeline import build_digest, read_stories, story_sources
from stories_text import ESCAPE_NORWAY_A
from test_stories import ARTICLES, write_articles

MERGE = (
    "merge:\n  - [three-inmates-escape-halvorsen-prison-near-bergen, "
    "two-inmates-flee-cedar-ridge-detention-center]\n"
)


def _with_copy(folder):
    """The invented articles and a syndicated copy of one of them, from another outlet."""
    write_articles(folder, ARTICLES)
    (folder / "norway-copy.md").write_text(
        f"---\ntitle: Prisoners escape in Norway\nsource: Fjord Times\ndate: 2025-03-02\n---\n\n"
        f"{ESCAPE_NORWAY_A}\n",
        encoding="utf-8",
    )
    return folder


def _group_jsonl(capsys, *args):
    assert run(["group", "--jsonl", *map(str, args)]) == 0
    return {
        row["id"]: row["story"] for row in map(json.loads, capsys.readouterr().out.splitlines())
    }


def test_group_merges_copies_first_and_lists_them_with_their_entry(tmp_path, capsys):
    folder = _with_copy(tmp_path / "in")
    stories = _group_jsonl(capsys, folder, "--topics", tmp_path / "none")
    assert stories["norway-copy"] == stories["norway-a"] == stories["norway-b"]
    digest = build_digest([folder], topics_dir=tmp_path / "none")
    assert digest.copies == {"norway-copy": "norway-a"}
    built = {a: s.slug for s in digest.stories for a in s.article_ids}
    assert {i: built[digest.copies.get(i, i)] for i in stories} == stories


def test_group_reads_the_settings_file_and_its_overrides_like_build(tmp_path, capsys):
    folder = write_articles(tmp_path / "in", ARTICLES)
    topics = tmp_path / "editor"
    topics.mkdir()
    (topics / "overrides.yml").write_text(MERGE, encoding="utf-8")
    settings = tmp_path / "newsdigest.yml"
    settings.write_text(f"topics_dir: {topics}\n", encoding="utf-8")
    stories = _group_jsonl(capsys, folder, "--settings", settings)
    assert stories["norway-a"] == stories["texas-a"]  # the editor's merge, found via the file
    plain = _group_jsonl(capsys, folder, "--settings", tmp_path / "absent.yml")
    assert plain["norway-a"] != plain["texas-a"]  # defaults: topics/ here has no overrides


def test_eval_agree_passes_when_group_and_build_agree(tmp_path, capsys):
    folder = _with_copy(tmp_path / "in")
    registry = tmp_path / "registry.json"
    assert (
        run(
            [
                "build",
                "--input",
                str(folder),
                "--out",
                str(tmp_path / "out"),
                "--registry",
                str(registry),
                "--topics",
                str(tmp_path / "none"),
                "--no-cache",
                "-q",
            ]
        )
        == 0
    )
    code = run(
        [
            "eval",
            "agree",
            str(folder),
            "--registry",
            str(registry),
            "--topics",
            str(tmp_path / "none"),
        ]
    )
    assert code == 0
    assert "group and build agree: 8 articles in 4 stories" in capsys.readouterr().out


def test_eval_agree_fails_naming_the_articles_whose_story_differs(tmp_path, monkeypatch):
    folder = write_articles(tmp_path / "in", ARTICLES)
    sources = story_sources(None, tmp_path / "none", None)

    def other_build(inputs, settings, topics_dir, options):
        digest = build_digest(inputs, settings, topics_dir, options=options)
        first, *rest = digest.stories
        moved = first.article_ids[-1]
        first = type(first)(first.slug, first.title, first.article_ids[:-1])
        return type(digest)(
            **{**vars(digest), "stories": [first, *rest, type(first)("moved", "t", (moved,))]}
        )

    monkeypatch.setattr(agreement, "build_digest", other_build)
    with pytest.raises(StoriesDiffer, match=r"disagree on 1 article\(s\): .*build 'moved'"):
        group_build_agreement([folder], sources)


def test_eval_stories_scores_the_build_stories_with_copies_in_their_entry(tmp_path, capsys):
    labels = {
        "norway-a": "n",
        "norway-b": "n",
        "texas-a": "t",
        "texas-b": "t",
        "peru-a": "p",
        "peru-b": "p",
        "leeds": "l",
        "norway-copy": "n",
    }
    rows = [
        {
            "id": i,
            "title": ARTICLES.get(i, ("Prisoners escape in Norway",))[0],
            "text": ARTICLES[i][3] if i in ARTICLES else ESCAPE_NORWAY_A,
            "label": label,
        }
        for i, label in labels.items()
    ]
    data = tmp_path / "gold.jsonl"
    data.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    staged = read_stories([data])
    assert staged.copies == {"norway-copy": "norway-a"}
    assert run(["eval", "stories", str(data), "--json", "--topics", str(tmp_path / "none")]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["articles"] == 8 and result["newsdigest"]["f1"] == 1.0
    assert result["home_precision"] == 1.0 and result["largest_precision"] == 1.0
