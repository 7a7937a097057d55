"""YAML from editors and inputs: aliases are refused and nesting is bounded, with one line
naming the file and line (an alias bomb of a few hundred bytes cost 3.8 GB before)."""

import re
import time
from pathlib import Path

import pytest

from newsdigest import safe_yaml
from newsdigest.cli import run
from newsdigest.fetch import SubscriptionError, load_subscriptions
from newsdigest.ingest import ingest

# Nine levels of ten aliases each: 10^9 strings when expanded.
BOMB = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8)
)
DEEP = "x: " + "[" * 5000 + "]" * 5000 + "\n"


@pytest.mark.parametrize("text", [BOMB, DEEP])
def test_the_loader_refuses_aliases_and_deep_nesting_quickly(text):
    began = time.perf_counter()
    with pytest.raises(safe_yaml.yaml.YAMLError) as raised:
        safe_yaml.safe_load(text)
    assert time.perf_counter() - began < 2
    assert raised.value.problem_mark.line in (0, 1)  # type: ignore[attr-defined]


def test_plain_yaml_and_anchors_without_aliases_still_load():
    assert safe_yaml.safe_load("a: &x 1\nb: [2, 3]\nc: {d: 2025-10-15}\n")["b"] == [2, 3]
    assert safe_yaml.base_load("a: 2025-02-31\n") == {"a": "2025-02-31"}


def _one_problem(folder: Path, name: str) -> str:
    result = ingest([folder])
    (problem,) = [p for p in result.problems if name in p.origin]
    line = str(problem)
    assert "\n" not in line and len(line) < 300, line
    return line


def test_front_matter_with_an_alias_bomb_is_one_line_about_that_file(tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "bomb.md").write_text("---\n" + BOMB + "---\nA ferry ran late.\n", "utf-8")
    (folder / "fine.md").write_text("---\ntitle: Fine\n---\nThe council met on Monday.\n", "utf-8")
    began = time.perf_counter()
    line = _one_problem(folder, "bomb.md")
    assert time.perf_counter() - began < 5
    assert "aliases" in line and "line 3" in line, line


def test_a_manifest_with_aliases_is_refused(tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("The council met on Monday about the ferry.\n", "utf-8")
    (folder / "sources.yml").write_text(BOMB, "utf-8")
    line = _one_problem(folder, "sources.yml")
    assert "aliases" in line


@pytest.mark.parametrize("text", [BOMB, DEEP])
@pytest.mark.parametrize("kind", ["topic", "settings", "overrides"])
def test_check_refuses_editor_files_with_one_line(tmp_path: Path, capsys, kind, text):
    topics = tmp_path / "topics"
    topics.mkdir()
    settings = tmp_path / "settings.yml"
    settings.write_text("summary_sentences: 3\n", "utf-8")
    target = {
        "topic": topics / "ferries.yml",
        "settings": settings,
        "overrides": topics / "overrides.yml",
    }[kind]
    target.write_text(text, "utf-8")
    began = time.perf_counter()
    code = run(["check", "--settings", str(settings), "--topics", str(topics)])
    assert time.perf_counter() - began < 10
    assert code == 3
    header, *errors = capsys.readouterr().err.strip().splitlines()
    assert header == "configuration has 1 error:"
    (line,) = errors
    assert re.search(rf"{target.name}:[12]: not valid YAML: ", line), line
    assert "aliases (*name) are not allowed" in line or "nested more than 50" in line, line


def test_floors_with_aliases_are_refused(tmp_path: Path, capsys):
    from newsdigest.configfile import ConfigInvalid
    from newsdigest.evaluation.gate import load_floors

    floors = tmp_path / "floors.yml"
    floors.write_text(BOMB, "utf-8")
    with pytest.raises(ConfigInvalid) as raised:
        load_floors(floors)
    assert "aliases" in str(raised.value.errors[0])


def test_a_feeds_file_with_aliases_is_refused(tmp_path: Path):
    feeds = tmp_path / "feeds.yml"
    feeds.write_text(BOMB, "utf-8")
    with pytest.raises(SubscriptionError, match=r"feeds\.yml:\d+: not valid YAML: aliases"):
        load_subscriptions(feeds)


def test_a_mkdocs_yml_with_aliases_is_one_line(tmp_path: Path, capsys):
    root = Path(__file__).resolve().parents[2]
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: &a News\nsite_description: *a\n", "utf-8")
    options = ["--mkdocs", str(config), "--no-cache", "--topics", str(root / "topics")]
    code = run(
        ["build", "-q", "--input", str(root / "seeds"), "--out", str(tmp_path / "o"), *options]
    )
    assert code == 3
    assert capsys.readouterr().err.strip() == (
        f"{config}:2: not valid YAML: aliases (*name) are not allowed; write the value out"
    )
