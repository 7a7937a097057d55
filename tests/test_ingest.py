from datetime import UTC, datetime

from newsdigest.ingest import ingest


def test_seeds_are_read_as_two_articles(seeds):
    result = ingest([seeds])
    assert [a.id for a in result.articles] == ["000_de328b338cb2a0fb", "004_76282857abeab87d"]
    assert result.problems == []


def test_manifest_gives_text_files_metadata(tmp_path):
    (tmp_path / "a.txt").write_text("Rain fell on the city. Streets flooded.", encoding="utf-8")
    (tmp_path / "sources.yml").write_text(
        "a.txt:\n  title: Rain floods city\n  source: Daily Planet\n  date: 2025-10-15\n"
        "  url: https://example.org/rain\nmissing.txt:\n  title: Gone\n",
        encoding="utf-8",
    )
    result = ingest([tmp_path])
    [article] = result.articles
    assert (article.title, article.source, article.url) == (
        "Rain floods city",
        "Daily Planet",
        "https://example.org/rain",
    )
    assert article.date == datetime(2025, 10, 15, tzinfo=UTC)
    [problem] = result.problems
    assert problem.action == "warning" and "missing.txt" in problem.message


def test_markdown_front_matter(tmp_path):
    (tmp_path / "b.md").write_text(
        "---\ntitle: Budget passes\noutlet: The Ledger\n"
        "date: 2025-10-14T09:30:00+02:00\n---\nThe budget passed today.\n",
        encoding="utf-8",
    )
    [article] = ingest([tmp_path]).articles
    assert article.title == "Budget passes" and article.source == "The Ledger"
    assert article.date.isoformat() == "2025-10-14T09:30:00+02:00"
    assert article.text.strip() == "The budget passed today."


def test_bad_front_matter_yaml_is_skipped_and_a_bad_value_is_dropped(tmp_path):
    (tmp_path / "bad.md").write_text("---\ntitle: [unclosed\n---\nText.\n", encoding="utf-8")
    (tmp_path / "baddate.md").write_text(
        "---\ntitle: Kept\ndate: next tuesday\n---\nText.\n", encoding="utf-8"
    )
    (tmp_path / "good.txt").write_text("A good article stays.", encoding="utf-8")
    result = ingest([tmp_path])
    assert [a.id for a in result.articles] == ["baddate", "good"]
    assert result.articles[0].title == "Kept" and result.articles[0].date is None
    reasons = {p.origin: (p.action, p.message) for p in result.problems}
    assert reasons[f"{tmp_path.name}/bad.md"][0] == "skipped"
    assert "not valid YAML on line 2" in reasons[f"{tmp_path.name}/bad.md"][1]
    assert reasons[f"{tmp_path.name}/baddate.md"] == (
        "repaired",
        "front matter: date 'next tuesday' is not a date (expected ISO 8601 such as "
        "2025-10-15 or 2025-10-15T09:30:00+02:00); ignored",
    )


def test_jsonl_reads_each_line_and_reports_bad_ones(tmp_path):
    (tmp_path / "wire.jsonl").write_text(
        '{"id": "x1", "title": "T", "text": "One.", "source": "Wire", "date": null, "url": null, "label": "L"}\n'
        "not json\n"
        '{"id": "x2", "text": "Two."}\n',
        encoding="utf-8",
    )
    result = ingest([tmp_path])
    assert [a.id for a in result.articles] == ["x1", "x2"]
    assert result.articles[0].extra("label") == "L"
    assert [p.origin for p in result.problems] == [f"{tmp_path.name}/wire.jsonl:2"]


def test_bad_files_are_skipped_or_repaired_never_fatal(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (tmp_path / "latin1.txt").write_bytes(
        "Caf\xe9 au lait co\xfbte cher \x96 dit-il.".encode("latin-1")
    )
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbfWith a byte order mark.")
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    (tmp_path / "utf16.txt").write_bytes(
        "\ufeffNotepad saved this as Unicode: Zürich.".encode("utf-16-le")
    )
    result = ingest([tmp_path])
    ids = sorted(a.id for a in result.articles)
    assert ids == ["bom", "latin1", "utf16"]
    assert (
        next(a for a in result.articles if a.id == "utf16").text
        == "Notepad saved this as Unicode: Zürich."
    )
    latin = next(a for a in result.articles if a.id == "latin1")
    assert latin.text == "Café au lait coûte cher – dit-il."
    actions = {p.origin.split("/")[-1]: (p.action, p.message) for p in result.problems}
    assert actions["empty.txt"] == ("skipped", "empty file")
    assert actions["binary.txt"][0] == "skipped" and "binary" in actions["binary.txt"][1]
    assert actions["latin1.txt"][0] == "repaired" and "Windows-1252" in actions["latin1.txt"][1]
    assert actions["bom.txt"][0] == "repaired"
    assert actions["image.png"][0] == "skipped" and "unsupported" in actions["image.png"][1]


def test_same_id_in_two_inputs_is_renamed_not_dropped(tmp_path):
    for folder in ("one", "two"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "story.txt").write_text(f"Text from {folder}.", encoding="utf-8")
    result = ingest([tmp_path / "one", tmp_path / "two"])
    assert [a.id for a in result.articles] == ["story", "story-2"]
    assert result.problems[0].action == "repaired" and "story-2" in result.problems[0].message


def test_dates_become_timezone_aware_and_absurd_ones_are_dropped(tmp_path):
    lines = [
        '{"id": "iso", "text": "One.", "date": "2025-10-14T09:30:00+02:00"}',
        '{"id": "naive", "text": "Two.", "date": "2025-10-14 09:30"}',
        '{"id": "rfc", "text": "Three.", "date": "Tue, 14 Oct 2025 09:30:00 -0400"}',
        '{"id": "zulu", "text": "Four.", "date": "2025-10-14T07:30:00Z"}',
        '{"id": "year1", "text": "Five.", "date": "0001-01-01T00:00:00+05:00"}',
        '{"id": "far", "text": "Six.", "date": "9999-12-31T23:59:59-05:00"}',
    ]
    (tmp_path / "dates.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = ingest([tmp_path])
    dates = {a.id: a.date.isoformat() if a.date else None for a in result.articles}
    assert dates == {
        "iso": "2025-10-14T09:30:00+02:00",
        "naive": "2025-10-14T09:30:00+00:00",
        "rfc": "2025-10-14T09:30:00-04:00",
        "zulu": "2025-10-14T07:30:00+00:00",
        "year1": None,
        "far": None,
    }
    assert [p.action for p in result.problems] == ["repaired", "repaired"]
    assert "out of range" in result.problems[0].message


def test_an_unexpected_parser_error_skips_only_that_file(tmp_path, monkeypatch):
    from newsdigest.readers import html as html_reader

    def broken(content):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(html_reader, "extract_page", broken)
    (tmp_path / "page.html").write_text(
        "<html><body><p>Some text.</p></body></html>", encoding="utf-8"
    )
    (tmp_path / "good.txt").write_text("A good article stays.", encoding="utf-8")
    result = ingest([tmp_path])
    assert [a.id for a in result.articles] == ["good"]
    [problem] = result.problems
    assert (
        problem.action == "skipped"
        and "RecursionError" in problem.message
        and "\n" not in problem.message
    )


def test_odd_file_names_and_deeply_nested_json_stay_one_line_problems(tmp_path):
    (tmp_path / "new\nline.png").write_bytes(b"x")
    (tmp_path / "deep.jsonl").write_text(
        "[" * 100_000 + "\n" + '{"id": "ok", "text": "Fine."}\n', encoding="utf-8"
    )
    result = ingest([tmp_path])
    assert [a.id for a in result.articles] == ["ok"]
    messages = [str(p) for p in result.problems]
    assert all("\n" not in m for m in messages)
    assert any("new\\x0aline.png" in m for m in messages)
    assert any(
        m.startswith(f"{tmp_path.name}/deep.jsonl:1: skipped: JSON nested too deeply")
        for m in messages
    )
