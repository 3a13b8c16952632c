# Targets that contributors and CI share. `make help` lists them.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# The torch requirement of the project is a range; this picks the build to install.
# On a machine with an NVIDIA GPU use e.g. `make install TORCH=torch`.
TORCH ?= torch==2.13.0
PYTEST_ARGS ?=

export NO_MKDOCS_2_WARNING := 1

.PHONY: help install lint typecheck test test-docs update-outputs docs serve sync status cuda-check matrix bench bench-lighthouse bench-series clean

help:
	@echo "install    create $(VENV) and install ptnotes with all extras"
	@echo "lint       ruff check + ruff format --check"
	@echo "typecheck  mypy --strict"
	@echo "test       every test: unit tests, docstring examples, every block of the site"
	@echo "test-docs  only the blocks of the site (pytest docs/)"
	@echo "update-outputs  record the blocks' outputs and write the notebooks anew"
	@echo "docs       mkdocs build --strict into site/"
	@echo "serve      mkdocs serve on http://127.0.0.1:8000"
	@echo "sync       carry a new version of the post onto the pages: make sync POST=path [NEW=1]"
	@echo "           (POST='dir/*glob*' or several paths: a series, one table at the end)"
	@echo "status     how far each post is verified, and what to do next: make status [JSON=1]"
	@echo "cuda-check the whole suite with CUDA, printing a table (on a GPU machine)"
	@echo "matrix     every block and ptnotes test on each admitted PyTorch release (uv; 3-7 GB a release)"
	@echo "bench      the benchmarks under benchmarks/ (bench_tests.py: each test folder's time)"
	@echo "bench-lighthouse  Lighthouse scores and page weights of the built site (needs npm, Chromium)"
	@echo "bench-series  a folder of posts brought into a copy of the site, measured: make bench-series DIR=path"

$(BIN)/python:
	@echo "make: creating the virtual environment $(VENV) (every command here runs from it)"
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	@echo "make: installing $(TORCH) into $(VENV) (the first time: a minute or more)"
	$(BIN)/python -m pip install --quiet "$(TORCH)"
	@echo "make: installing ptnotes and notesite with the docs, test and dev tools"
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@echo "make: $(VENV) is ready; later runs skip this step until pyproject.toml changes"
	touch $@

install: $(VENV)/.installed

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

# Two processes: one takes the browser tests (they keep Chromium's processes busy too), the
# other the rest, one test at a time, the long ones first; the first to end takes what is
# left (see conftest.py), so both finish together.
TEST_WORKERS ?= 2
TEST_DIST ?= loadgroup
# One thread for torch's operators in each worker and page process: two workers of two
# threads each would fight over two cores. (The records hold with one thread or several.)
TEST_THREADS ?= 1

# Python caches what it compiles (__pycache__, git-ignored) even where the environment says
# not to (PYTHONDONTWRITEBYTECODE): each worker, build and subprocess of the suite imports
# notesite and the tests again, and pytest rewrites their asserts; compiled once, each start
# takes a second or two less. The blocks' own processes still write no cache (notesite.kernel).
test: install
	PYTHONDONTWRITEBYTECODE= OMP_NUM_THREADS=$(TEST_THREADS) $(BIN)/pytest -n $(TEST_WORKERS) --dist $(TEST_DIST) $(PYTEST_ARGS)

test-docs: install
	$(BIN)/pytest docs/ $(PYTEST_ARGS)

update-outputs: install
	$(BIN)/pytest docs/ --update-outputs $(PYTEST_ARGS)

docs: install
	$(BIN)/mkdocs build --strict

serve: install
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

# POST may name several posts, folders and globs (POST='path/_posts/*deep-learning*'): the
# shell expands it (unquoted); what it leaves, the command expands.
sync: install
	@test -n "$(POST)" || { echo "usage: make sync POST=path/to/post.md [NEW=1]"; exit 2; }
	$(BIN)/python -m notesite sync $(POST) $(if $(NEW),--new)

status: install
	$(BIN)/python -m notesite status $(if $(JSON),--json)

cuda-check: install
	$(BIN)/python scripts/cuda_check.py

matrix: install
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/python -m notesite matrix $(MATRIX)

bench: install
	$(BIN)/python benchmarks/bench_docs.py
	$(BIN)/python benchmarks/engine_cost.py
	$(BIN)/python benchmarks/page_cost.py
	$(BIN)/python benchmarks/bench_scale.py
	$(BIN)/python benchmarks/bench_focal_loss.py
	$(BIN)/python benchmarks/bench_tests.py

bench-lighthouse: install
	cd benchmarks/lighthouse && npm ci --no-audit --no-fund
	$(BIN)/python benchmarks/bench_lighthouse.py

bench-series: install
	@test -n "$(DIR)" || { echo "usage: make bench-series DIR=path/to/posts"; exit 2; }
	$(BIN)/python benchmarks/bench_series.py "$(DIR)"

clean:
	rm -rf $(VENV) site .pytest_cache .mypy_cache .ruff_cache .hypothesis
