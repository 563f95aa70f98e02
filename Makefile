# Set-up and checks. `make test` builds .venv from scratch if needed and runs every test tier.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test reliability lint bench gpu-bench wheel-check package clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@# Machines without an NVIDIA GPU take the CPU build of torch; plain `torch` would pull CUDA.
	if command -v nvidia-smi >/dev/null 2>&1; then \
	  $(BIN)/python -m pip install --quiet torch; \
	else \
	  $(BIN)/python -m pip install --quiet torch==2.13.0; \
	fi
	$(BIN)/python -m pip install --quiet -e '.[models,farm,dev]'
	touch $(STAMP)

install: $(STAMP)

# The main job: the desktop app, open on the example project.
run: install
	$(BIN)/previz resources/examples/lighthouse.previz

test: install
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

reliability: install
	QT_QPA_PLATFORM=offscreen $(BIN)/python -X faulthandler -m pytest -m reliability

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# The wheel, installed into a fresh environment away from the source tree: renders the example
# it carries and opens offscreen with its stylesheet and icon (CI runs this after the tests).
wheel-check: install
	PYTHON=$(PYTHON) bash packaging/check_wheel.sh

# The packaged application (PyInstaller, one folder): dist/previz/previz, checked the same way.
package: install
	PYTHON=$(PYTHON) bash packaging/build_package.sh

bench: install
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -m benchmark -s tests/benchmarks

# On a CUDA machine with its own python and torch (see README, "Open models").
gpu-bench:
	$(PYTHON) tests/benchmarks/gpu_bench.py --random-weights /tmp/previz-bench-models

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis out build dist
