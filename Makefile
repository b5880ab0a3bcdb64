# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1

.PHONY: run test test-sqlite test-postgres fuzz lint i18n bench soak clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed-run

# The development settings (and the demo data, whose password is public) only here:
# without YOC_ENV the app assumes production and wants a real YOC_SECRET_KEY.
run: export YOC_ENV ?= development
run: $(VENV)/.installed-run
	$(BIN)/yoc migrate
	$(BIN)/yoc seed-demo
	$(BIN)/yoc serve --host $(HOST) --port $(PORT)

# SQLite always; PostgreSQL as well when YOC_TEST_DATABASE_URL names one (CI does).
# TEST_PROCESSES test processes share the work, a test file each at a time (1 to 8).
# The PostgreSQL run's migrated database (tests/databases.py) is made beside the SQLite
# run, while that run's processes wait for their own.
TEST_PROCESSES ?= 2
PYTEST_PARALLEL = -n $(TEST_PROCESSES) --dist loadfile
test: $(VENV)/.installed-test
	@set -e; \
	if [ -n "$$YOC_TEST_DATABASE_URL" ]; then \
		made=$$(mktemp); \
		$(BIN)/python -m tests.databases "$$YOC_TEST_DATABASE_URL" >"$$made" 2>&1 & \
	fi; \
	$(BIN)/pytest $(PYTEST_PARALLEL); \
	if [ -n "$$YOC_TEST_DATABASE_URL" ]; then \
		wait $$! || cat "$$made"; \
		rm -f "$$made"; \
		echo "== again on PostgreSQL ($$YOC_TEST_DATABASE_URL) =="; \
		$(BIN)/pytest $(PYTEST_PARALLEL) -m "not e2e" --database-url="$$YOC_TEST_DATABASE_URL"; \
	fi

# The JSON API fuzzed harder than `make test` does: many more examples per operation
# (FUZZ_EXAMPLES), new ones each run, on SQLite, and again on PostgreSQL when
# YOC_TEST_DATABASE_URL names one.
FUZZ_EXAMPLES ?= 300
fuzz: export YOC_FUZZ_RANDOM ?= 1
fuzz: $(VENV)/.installed-test
	YOC_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest tests/test_api_fuzz.py
	@if [ -n "$$YOC_TEST_DATABASE_URL" ]; then \
		echo "== again on PostgreSQL ($$YOC_TEST_DATABASE_URL) =="; \
		YOC_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest tests/test_api_fuzz.py --database-url="$$YOC_TEST_DATABASE_URL"; \
	fi

lint: $(VENV)/.installed-test
	$(BIN)/ruff check yoc tests app.py
	$(BIN)/ruff format --check yoc tests app.py

# Extract every message from code and templates, and merge it into the catalogs.
i18n: $(VENV)/.installed-test
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k NC_:1c,2 -o yoc/locale/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i yoc/locale/messages.pot -d yoc/locale --no-fuzzy-matching --ignore-obsolete --width=100

# Not part of `make test`: the app served as in production, driven by wrk (apt-get
# install wrk). Uses the PostgreSQL database in YOC_DATABASE_URL (emptied first; its
# name must contain "bench"), else SQLite with a note. BENCH_QUICK=1 for a short run.
$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test,bench]"
	touch $@ $(VENV)/.installed-test $(VENV)/.installed-run

bench: $(VENV)/.installed-bench
	$(BIN)/python -m tests.benchmarks.run

# Not part of `make test` either: ten minutes (SOAK_SECONDS) of mixed traffic against two
# workers on the PostgreSQL database in YOC_DATABASE_URL (emptied first, as for bench);
# fails on any server error or a worker whose memory grows by more than 20%.
soak: $(VENV)/.installed-test
	$(BIN)/python -m tests.benchmarks.soak

clean:
	rm -rf $(VENV) .pytest_cache yoc.sqlite3
