# newsdigest: `make site` and `make test` work on a fresh machine (they create .venv).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
INPUT  ?= seeds
OUT    ?= build
STAMP  := $(VENV)/.installed
# mkdocs-material 9.7+ prints a notice about MkDocs 2 on every build; we pin mkdocs<2.
export NO_MKDOCS_2_WARNING := 1

.PHONY: site digest test serve eval bench e2e clean lock

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

# Regenerate the pinned versions after changing dependencies in pyproject.toml.
lock: $(STAMP)
	$(BIN)/python -m pip freeze --exclude-editable --exclude newsdigest | sort > constraints.txt

clean:
	rm -rf $(OUT) site .cache

# Scale benchmark (issue 7): corpora of BENCH_SIZES articles made from $(CORPUS) into
# .cache/bench/ (gitignored), each built cold, then again after 100 new articles.
CORPUS      ?= ../shared/corpus
BENCH_SIZES ?= 1000 10000 50000
bench: $(STAMP)
	$(BIN)/python -m newsdigest.bench --corpus $(CORPUS) --sizes $(BENCH_SIZES) --jobs 2
