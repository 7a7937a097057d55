# newsdigest: `make site` and `make test` work on a fresh machine (they create .venv).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
INPUT  ?= seeds
OUT    ?= build
STAMP  := $(VENV)/.installed
# mkdocs-material 9.7+ prints a notice about MkDocs 2 on every build; we pin mkdocs<2.
export NO_MKDOCS_2_WARNING := 1

.PHONY: site digest test serve eval eval-stories bench e2e clean lock

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev,eval]'
	touch $@

digest: $(STAMP)  ## Markdown pages and $(OUT)/mkdocs.yml from $(INPUT)
	$(BIN)/newsdigest build --input $(INPUT) --out $(OUT)

site: digest  ## the static site in site/
	$(BIN)/mkdocs build --strict --quiet -f $(OUT)/mkdocs.yml

test: $(STAMP)
	$(BIN)/python -m pytest -q

serve: digest
	$(BIN)/mkdocs serve -f $(OUT)/mkdocs.yml

# Quality gates on the development halves in ../shared/corpus (not part of `make test`).
CORPUS ?= ../shared/corpus
eval: eval-stories

# Story grouping and automatic topics: floors a little under the measured values in
# BENCHMARKS.md ("Stories and topics"), so a regression fails but run-to-run noise does not.
STORY_FLOOR_ECBPLUS   ?= 92
STORY_FLOOR_MULTINEWS ?= 88
TOPIC_FLOOR_NMI       ?= 70
eval-stories: $(STAMP)
	$(BIN)/newsdigest eval stories $(CORPUS)/ecbplus/articles.jsonl --min-f1 $(STORY_FLOOR_ECBPLUS)
	$(BIN)/newsdigest eval stories $(CORPUS)/multinews_sample/articles.jsonl --skip-flagged --min-f1 $(STORY_FLOOR_MULTINEWS)
	$(BIN)/newsdigest eval topics $(CORPUS)/bbc_news_summary/articles.jsonl --min-nmi $(TOPIC_FLOOR_NMI)

# Regenerate the pinned versions after changing dependencies in pyproject.toml.
lock: $(STAMP)
	$(BIN)/python -m pip freeze --exclude-editable --exclude newsdigest | sort > constraints.txt

clean:
	rm -rf $(OUT) site .cache
