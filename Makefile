# Every target creates the virtual environment itself: `make demo` and `make test`
# are the only two commands a fresh machine needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench example clean browser venv fuzz

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/defplan validate inputs/iraq_syria.xlsx
	@if [ -d ../shared/articles ]; then \
		$(BIN)/defplan extract ../shared/articles/*.txt --theater inputs/iraq_syria.xlsx \
			--manifest ../shared/articles/manifest.csv --out out/demo/attacks.csv \
			--attacks-sheet out/demo/attacks_sheet.csv; \
	else echo "../shared/articles not found: extraction demo skipped"; fi
	$(BIN)/defplan risk inputs/iraq_syria.xlsx --out out/demo
	$(BIN)/defplan plan inputs/iraq_syria.xlsx --out out/demo --report
	$(BIN)/defplan ladder inputs/iraq_syria.xlsx --out out/demo
	$(BIN)/defplan options inputs/iraq_syria.xlsx --suggest 2 --out out/demo
	$(BIN)/defplan moves inputs/iraq_syria.xlsx --out out/demo

lint: $(STAMP)
	$(BIN)/ruff format --check src tests tools inputs benchmarks examples
	$(BIN)/ruff check src tests tools inputs benchmarks examples
	$(BIN)/mypy

# The report's browser test needs Chromium: installed where we can (root with apt),
# otherwise that one test skips and says why.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    { apt-get update -qq >/dev/null 2>&1; \
	      apt-get install -y --no-install-recommends chromium >/dev/null 2>&1; } \
	      || echo "chromium not installed: the browser test will be skipped"; \
	  else echo "no chromium (not root): the browser test will be skipped"; fi; }

test: lint browser
	$(BIN)/pytest

# Validation, allocation (per backend; WTA and generated theaters), sweep timings and
# the CLI's start-up (defplan --help, defplan plan on the example).
# BENCH_ATTACKS sets the size of the big attack record (validate and plan; 0 skips it).
BENCH_ATTACKS ?= 1000000
# BENCH_ARGS passes flags through, e.g. make bench BENCH_ARGS="--quick --backends highs,scip"
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)
	$(BIN)/python benchmarks/whatif.py
	$(BIN)/python benchmarks/robust.py
	$(BIN)/python benchmarks/rotation.py
	$(BIN)/python benchmarks/attacks_1m.py --attacks $(BENCH_ATTACKS)
	$(BIN)/python benchmarks/cli_startup.py
	$(BIN)/python benchmarks/extraction.py

# Rebuild inputs/iraq_syria.xlsx from inputs/example/*.csv, ../shared/reference and
# ../shared/articles (byte-identical to the committed workbook while nothing changes).
example: $(STAMP)
	$(BIN)/python inputs/build_example_theater.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis

# The input fuzz of tests/test_fuzz_inputs.py, ten times the cases `make test` runs,
# drawn afresh each time (counts per input kind and class of damage printed at the end).
fuzz: $(STAMP)
	DEFPLAN_FUZZ=10 $(BIN)/pytest tests/test_fuzz_inputs.py -s
