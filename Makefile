# Kavosh: `make run` indexes the bundled seeds/ and serves the search page;
# `make test` runs the whole test suite.  Each creates .venv on first use.

VENV    := .venv
PY      := $(VENV)/bin/python
KAVOSH  := $(VENV)/bin/kavosh
HOST    ?= 127.0.0.1
PORT    ?= 5000
# `make run`'s index: this checkout's own, so two clones (or a clone and a
# `pip install`) do not pile their seeds into one per-user index.
INDEX   ?= .kavosh-index

# hazm 0.12 (and so Kavosh) needs Python 3.12 or 3.13.  Look for one on PATH,
# then under pyenv; PYTHON=/path/to/python3.x overrides.
ifeq ($(origin PYTHON), undefined)
PYTHON := $(shell for p in python3.13 python3.12 \
	  $$(pyenv root 2>/dev/null)/versions/3.13*/bin/python3.13 \
	  $$(pyenv root 2>/dev/null)/versions/3.12*/bin/python3.12 \
	  $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[23]*/bin/python3.1[23] python3; do \
	  command -v $$p >/dev/null 2>&1 || [ -x "$$p" ] || continue; \
	  $$p -c 'import sys; sys.exit(not ((3,12) <= sys.version_info[:2] < (3,14)))' 2>/dev/null \
	  && { echo $$p; break; }; done)
endif

.PHONY: run index test test-fast browser-deps opensearch-launcher opensearch-node run-opensearch bench reliability clean

# A Python is suitable when it is 3.12 or 3.13; a .venv of any other (say one
# made by `make PYTHON=python3.11 run`) is removed and made again.
SUITABLE := import sys; sys.exit(not ((3,12) <= sys.version_info[:2] < (3,14)))

$(VENV)/.installed: setup.cfg pyproject.toml
	@if [ -z "$(PYTHON)" ]; then \
	  echo "kavosh: no Python 3.12 or 3.13 found (hazm 0.12 needs one)." >&2; \
	  echo "        Install one, or run: make PYTHON=/path/to/python3.12 ..." >&2; exit 1; fi
	@$(PYTHON) -c '$(SUITABLE)' 2>/dev/null || { \
	  echo "kavosh: $(PYTHON) is $$($(PYTHON) --version 2>&1); Kavosh needs Python 3.12 or 3.13 (hazm 0.12)." >&2; \
	  exit 1; }
	@if [ -x $(PY) ] && ! $(PY) -c '$(SUITABLE)' 2>/dev/null; then \
	  echo "Removing $(VENV): it was made with $$($(PY) --version 2>&1), which Kavosh cannot use"; \
	  rm -rf $(VENV); fi
	@echo "Making $(VENV) with $(PYTHON) ($$($(PYTHON) --version))"
	@$(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip
	@echo "Installing Kavosh and what it runs on into $(VENV) (whoosh, hazm, flask…; about a minute the first time)"
	@$(PY) -m pip install --quiet -e .
	@touch $@

# The test tools (pytest, hypothesis, playwright) only for `make test`.
$(VENV)/.test-installed: $(VENV)/.installed
	@echo "Installing the test tools into $(VENV) (pytest, hypothesis, playwright)"
	@$(PY) -m pip install --quiet -e '.[test]'
	@touch $@

index: $(VENV)/.installed
	$(KAVOSH) index --index $(INDEX) seeds

run: index
	$(KAVOSH) serve --index $(INDEX) --host $(HOST) --port $(PORT)

test: $(VENV)/.test-installed browser-deps opensearch-launcher
	$(PY) -m pytest

# Fast loop: everything but the real-browser tests.
test-fast: $(VENV)/.test-installed
	$(PY) -m pytest -m 'not browser'

# Playwright drives Debian's Chromium (its own browser download cannot work here).
# Under CI (CI=true, as root: .ci/run) a missing Chromium is installed, and the
# browser tests fail without it; elsewhere nothing is installed (no root, no apt
# needed) and the browser tests skip, saying how to install it.
# apt waits up to 10 minutes for another apt/dpkg that holds its lock.
CHROMIUM ?= $(or $(KAVOSH_CHROMIUM),/usr/bin/chromium)
browser-deps:
	@[ -x "$(CHROMIUM)" ] || command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$CI" = true ]; then \
	    echo "Installing Debian's chromium for the browser tests (CI=true; waits for another apt to finish)"; \
	    apt-get -o DPkg::Lock::Timeout=600 update -qq && \
	    apt-get -o DPkg::Lock::Timeout=600 install -y -qq chromium >/dev/null; \
	  else \
	    echo "kavosh: no Chromium at $(CHROMIUM): the browser tests will be skipped" \
	         "(to run them: sudo apt-get install chromium, or KAVOSH_CHROMIUM=/path/to/chromium)"; \
	  fi; }

# Real OpenSearch nodes for the OpenSearch backend's tests (tests/opensearch_nodes.py):
# a Java launcher Maven builds from Maven Central (OpenSearch's own server and
# modules).  Without Java or Maven outside CI the OpenSearch tests skip, saying so;
# under CI (.ci/run installs both) a launcher that does not build fails the run.
OS_LAUNCHER := tests/opensearch_node/target/classes/kavosh/node/KavoshNodes.class
$(OS_LAUNCHER): tests/opensearch_node/pom.xml tests/opensearch_node/src/main/java/kavosh/node/KavoshNodes.java
	@echo "Building the OpenSearch node launcher (Maven; downloads OpenSearch 2.19.6 from Maven Central the first time)"
	@cd tests/opensearch_node && mvn -q -B package -DskipTests
	@touch $@

opensearch-launcher:
	@if command -v mvn >/dev/null 2>&1 && command -v java >/dev/null 2>&1; then \
	  $(MAKE) --no-print-directory $(OS_LAUNCHER); \
	elif [ "$$CI" = true ]; then \
	  echo "kavosh: CI needs Java 17 and Maven for the OpenSearch tests (.ci/run installs them)" >&2; exit 1; \
	else \
	  echo "kavosh: no Java/Maven: the OpenSearch tests will be skipped (to run them: apt-get install openjdk-17-jdk-headless maven)"; \
	fi

# One OpenSearch node on http://127.0.0.1:$(OS_PORT) in the foreground until Ctrl-C,
# its data in .kavosh-opensearch/ (kept between runs).
OS_PORT ?= 9200
opensearch-node: $(VENV)/.installed $(OS_LAUNCHER)
	$(PY) tests/opensearch_nodes.py --port $(OS_PORT) --data .kavosh-opensearch

# Kavosh on OpenSearch in one command: the node above started in the background,
# the bundled seeds/ indexed into it (again: only what changed), the page served
# with --backend opensearch on http://$(HOST):$(PORT)/.  Ctrl-C stops the page,
# then the node (its data stays in .kavosh-opensearch/ for the next run).
OS_URL := http://127.0.0.1:$(OS_PORT)
run-opensearch: $(VENV)/.installed opensearch-launcher
	@$(PY) tests/opensearch_nodes.py --port $(OS_PORT) --data .kavosh-opensearch & node=$$!; \
	trap 'kill $$node 2>/dev/null; wait $$node 2>/dev/null' EXIT INT TERM; \
	echo "Starting an OpenSearch node on $(OS_URL) (about a minute)"; \
	until $(PY) -c 'import urllib.request as u; u.urlopen("$(OS_URL)/_cluster/health?wait_for_status=yellow&timeout=1s", timeout=5)' 2>/dev/null; do \
	  kill -0 $$node 2>/dev/null || { echo "kavosh: the OpenSearch node did not start" >&2; exit 1; }; sleep 1; done; \
	$(KAVOSH) index --backend opensearch --opensearch-url $(OS_URL) seeds && \
	$(KAVOSH) serve --backend opensearch --opensearch-url $(OS_URL) --host $(HOST) --port $(PORT)

# Speed: indexing (Kavosh / plain whoosh / tantivy), analysis MB/s, query latency,
# web load.  BENCH="--quick" for a few minutes; the index is kept in BENCH_DIR.
BENCH     ?=
BENCH_DIR ?= $(or $(TMPDIR),/tmp)/kavosh-bench
$(VENV)/.bench-installed: $(VENV)/.test-installed
	@echo "Installing the benchmark's reference engine into $(VENV) (tantivy)"
	@$(PY) -m pip install --quiet -e '.[test,bench]'
	@touch $@

bench: $(VENV)/.bench-installed
	$(PY) bench/run_all.py --workdir $(BENCH_DIR) $(BENCH)

# kill -9 while indexing, a live server under a writer, fuzzed queries (~15 min; --quick ~2 min)
reliability: $(VENV)/.installed
	$(PY) bench/reliability.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache test-artifacts tests/opensearch_node/target
