# newsdigest: `make site` and `make test` work on a fresh machine (they create .venv).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
INPUT  ?= seeds
OUT    ?= build
STAMP  := $(VENV)/.installed
# mkdocs-material 9.7+ prints a notice about MkDocs 2 on every build; we pin mkdocs<2.
export NO_MKDOCS_2_WARNING := 1

.PHONY: site digest test lint lint-workflows format serve eval eval-stories eval-pages corpus bench e2e screenshots clean lock fetch

$(STAMP): pyproject.toml constraints.txt Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev,eval,dask]'
	touch $@

# The story registry keeps each story's URL across builds (README: Publishing); CI keeps
# it on the data branch with the fetch archive.
REGISTRY ?= story-registry.json
BUILD     = $(BIN)/newsdigest build --input $(INPUT) --out $(OUT) --registry $(REGISTRY)

digest: $(STAMP)  ## Markdown pages and $(OUT)/mkdocs.yml from $(INPUT)
	$(BUILD)

# One command: the digest and MkDocs (strict: any warning fails), written beside $(OUT)/ and
# site/ and swapped in only when everything succeeded.
site: $(STAMP)  ## the static site in site/
	$(BUILD) --site

test: $(STAMP)
	$(BIN)/python -m pytest -q

# Style, types and complexity: ruff (lint and format), mypy, and no function worse than
# radon's grade C (xenon). `make format` applies ruff's fixes and formatting.
LINTED := src tests benchmarks
lint: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/mypy
	$(BIN)/xenon --max-absolute C src benchmarks

# The workflow files (.github/): their schema (check-jsonschema's copy of SchemaStore's) and
# their security (zizmor), both offline. CI runs it.
CI_STAMP := $(VENV)/.installed-ci
$(CI_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev,eval,dask,ci]'
	touch $@

lint-workflows: $(CI_STAMP)
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
	$(BIN)/check-jsonschema --builtin-schema vendor.dependabot .github/dependabot.yml
	$(BIN)/zizmor --offline --persona pedantic --no-progress .github/

format: $(STAMP)
	$(BIN)/ruff check --fix $(LINTED)
	$(BIN)/ruff format $(LINTED)

# Add the entries of the feeds in $(FEEDS) (a sample ships) to $(FETCHED)/archive.sqlite,
# which keeps every entry ever seen; then `make site INPUT=$(FETCHED)`.
# FETCH_OPTIONS=--full-text also keeps the article on each entry's page.
FEEDS  ?= feeds.yml
FETCHED ?= fetched
FETCH_OPTIONS ?=
fetch: $(STAMP)
	$(BIN)/newsdigest fetch $(FEEDS) --out $(FETCHED) $(FETCH_OPTIONS)

# Browser tests: the built site in Debian's Chromium (apt-get install chromium) via Playwright.
E2E_STAMP := $(VENV)/.installed-e2e
$(E2E_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev,eval,dask,e2e]'
	touch $@

e2e: $(E2E_STAMP)
	$(BIN)/python -m pytest -q -m e2e tests/e2e

# Refresh the screenshots the README shows (make e2e saves its own under build/).
screenshots: $(E2E_STAMP)
	E2E_SCREENSHOTS=tests/e2e/screenshots $(BIN)/python -m pytest -q -m e2e tests/e2e

# The editor's loop: rebuilds the digest when the input, topics, overrides, settings,
# templates or mkdocs.yml change; the browser reloads; a broken file keeps the last good site.
serve: $(STAMP)  ## preview on http://127.0.0.1:8000/
	$(BIN)/newsdigest serve --input $(INPUT) --out $(OUT) --registry $(REGISTRY)

# Quality gate: the evaluation on a fixed slice of the shared corpus (CI clones the
# repository with shared/ beside it); fails when a figure drops below eval/floors.yml.
# One line per gate; `make eval CORPUS=/path/to/corpus` points elsewhere.
CORPUS ?= $(abspath $(dir $(lastword $(MAKEFILE_LIST)))../shared/corpus)
FLOORS := eval/floors.yml
GATE    = $(BIN)/newsdigest eval summaries --no-baselines --floors $(FLOORS)
eval: $(STAMP) eval-stories eval-pages corpus
	$(BIN)/newsdigest eval quotes eval/quote_labels.jsonl --corpus $(CORPUS) --floors $(FLOORS) --gate quotes
	$(BIN)/newsdigest eval quotes eval/quote_labels_holdout.jsonl --corpus $(CORPUS) --floors $(FLOORS) \
	  --gate quotes-holdout
	$(GATE) --gate summaries-cnndm $(CORPUS)/frank_cnndm_xsum/articles.jsonl --label cnndm -n 3
	$(GATE) --gate summaries-bbc $(CORPUS)/bbc_news_summary/articles.jsonl --skip-flagged -n 5 --slice ::4
	$(GATE) --gate summaries-stories $(CORPUS)/multinews_sample/articles.jsonl --skip-flagged --words 250 \
	  --clusters $(CORPUS)/multinews_sample/clusters.jsonl --limit 60

# The page audit: the dev Multi-News (every row) and the CNN/DailyMail rows built as a reader
# gets them, their story pages audited (newsdigest audit), each count under its ceiling.
PAGES := .cache/eval-pages
AUDIT  = $(BIN)/newsdigest audit --counts --floors $(FLOORS)
# Each build's skips and repairs go to its log (the build summary counts them).
PAGE_BUILD = $(BIN)/newsdigest build -q
eval-pages: $(STAMP) corpus
	mkdir -p $(PAGES)
	$(BIN)/python -c 'import json, sys; sys.stdout.writelines(l for l in open(sys.argv[1]) if json.loads(l)["label"] == "cnndm")' \
	  $(CORPUS)/frank_cnndm_xsum/articles.jsonl > $(PAGES)/cnndm.jsonl
	$(PAGE_BUILD) --input $(CORPUS)/multinews_sample/articles.jsonl --out $(PAGES)/multinews \
	  2> $(PAGES)/multinews.log || { cat $(PAGES)/multinews.log >&2; exit 1; }
	$(AUDIT) --gate pages-multinews --corpus $(CORPUS)/multinews_sample/articles.jsonl $(PAGES)/multinews
	$(PAGE_BUILD) --input $(PAGES)/cnndm.jsonl --out $(PAGES)/cnndm \
	  2> $(PAGES)/cnndm.log || { cat $(PAGES)/cnndm.log >&2; exit 1; }
	$(AUDIT) --gate pages-cnndm --corpus $(CORPUS)/frank_cnndm_xsum/articles.jsonl $(PAGES)/cnndm

corpus:
	@test -d "$(CORPUS)" || { echo "make eval: no corpus at $(CORPUS); set CORPUS=path/to/corpus" >&2; exit 2; }

# Story grouping and automatic topics (their quality, and whether they stay put across
# small changes), against the same floors file; and `group` and `build` must put every
# article of each dev set in the same story.
eval-stories: $(STAMP) corpus
	$(BIN)/newsdigest eval stories $(CORPUS)/ecbplus/articles.jsonl --floors $(FLOORS) --gate stories-ecbplus
	$(BIN)/newsdigest eval stories $(CORPUS)/multinews_sample/articles.jsonl --skip-flagged \
	  --floors $(FLOORS) --gate stories-multinews
	$(BIN)/newsdigest eval stories $(CORPUS)/multinews_sample/articles.jsonl --floors $(FLOORS) \
	  --gate stories-multinews-all
	$(BIN)/newsdigest eval agree $(CORPUS)/ecbplus/articles.jsonl
	$(BIN)/newsdigest eval agree $(CORPUS)/multinews_sample/articles.jsonl
	$(BIN)/newsdigest eval topics $(CORPUS)/bbc_news_summary/articles.jsonl --floors $(FLOORS) --gate topics-bbc
	$(BIN)/newsdigest eval topic-stability $(CORPUS)/multinews_sample/articles.jsonl --floors $(FLOORS) \
	  --gate topic-stability-multinews
	$(BIN)/newsdigest eval topic-stability $(CORPUS)/bbc_news_summary/articles.jsonl --floors $(FLOORS) \
	  --gate topic-stability-bbc
	$(BIN)/newsdigest eval topic-stability tests/fixtures/mixed --floors $(FLOORS) --gate topic-stability-mixed

# Regenerate the pinned versions after changing dependencies in pyproject.toml.
lock: $(STAMP)
	$(BIN)/python -m pip freeze --exclude-editable --exclude newsdigest | sort > constraints.txt

clean:
	rm -rf $(OUT) site .cache

# Scale benchmark: corpora of BENCH_SIZES articles made from $(CORPUS) into
# .cache/bench/ (gitignored), each built cold, then again after 100 new articles.
CORPUS      ?= ../shared/corpus
BENCH_SIZES ?= 1000 10000 50000
bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py --corpus $(CORPUS) --sizes $(BENCH_SIZES) --jobs 2
