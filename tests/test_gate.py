"""The floors file of `make eval`: validated like the editor's YAML, and the corpus fingerprint."""

from pathlib import Path

import pytest

from newsdigest.configfile import ConfigInvalid
from newsdigest.evaluation.gate import GateFailed, apply_gate, corpus_fingerprint, load_floors

ROOT = Path(__file__).resolve().parent.parent


def test_the_projects_floors_file_is_valid_and_every_entry_names_its_corpus():
    entries, _ = load_floors(ROOT / "eval" / "floors.yml")
    assert {"summaries-cnndm", "stories-ecbplus", "topics-bbc"} <= set(entries)
    assert all(e.corpus and e.floors for e in entries.values())


@pytest.mark.parametrize(
    ("text", "line", "key", "message"),
    [
        ("a:\n  f1: ninety\n", 2, "a.f1", "expected a number"),
        ("a:\n  corpus: 12ab\n  f1: 90\n", 2, "a.corpus", "sha256"),
        ("a: 90\n", 1, "a", "expected a mapping of figures"),
        ("a:\n  f1: 90\n  f1: 91\n", 3, "a.f1", "key given twice"),
    ],
)
def test_a_mistake_in_the_floors_file_names_file_line_and_key(tmp_path, text, line, key, message):
    path = tmp_path / "floors.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigInvalid) as raised:
        load_floors(path)
    [error] = raised.value.errors
    assert (error.path, error.line, error.key) == (path.as_posix(), line, key)
    assert message in error.message


def test_floors_gate_and_other_data_only_warns(tmp_path):
    data = tmp_path / "gold.jsonl"
    data.write_text('{"id": "a"}\n', encoding="utf-8")
    fingerprint = corpus_fingerprint(data)
    assert fingerprint.startswith("sha256:") and len(fingerprint) == 23
    floors = tmp_path / "floors.yml"
    floors.write_text(f"g:\n  corpus: {fingerprint}\n  f1: 90\n", encoding="utf-8")
    assert apply_gate(floors, "g", {"f1": 91.0}, "f1: 90", data).warnings == []
    with pytest.raises(GateFailed, match=r"f1 89\.00 is below the floor 90\.00"):
        apply_gate(floors, "g", {"f1": 89.0}, "f1: 90", data)
    data.write_text('{"id": "b"}\n', encoding="utf-8")  # another corpus: a warning, still gated
    result = apply_gate(floors, "g", {"f1": 91.0}, "f1: 90", data)
    assert len(result.warnings) == 1 and fingerprint in result.warnings[0]
    with pytest.raises(GateFailed, match="no entry 'other'"):
        apply_gate(floors, "other", {"f1": 91.0}, "f1: 90", data)


def test_a_folder_fingerprint_changes_with_a_file_name_or_its_bytes(tmp_path):
    from newsdigest.evaluation.gate import corpus_fingerprint

    (tmp_path / "a.txt").write_text("one", encoding="utf-8")
    first = corpus_fingerprint(tmp_path)
    assert first == corpus_fingerprint(tmp_path)
    (tmp_path / "a.txt").rename(tmp_path / "b.txt")
    second = corpus_fingerprint(tmp_path)
    (tmp_path / "b.txt").write_text("two", encoding="utf-8")
    assert len({first, second, corpus_fingerprint(tmp_path)}) == 3
