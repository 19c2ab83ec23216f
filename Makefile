# PDE: the two commands the README starts with are `make run` and `make test`.
# Everything they need is installed by these targets on a fresh Debian machine.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
S3_VENV := .venv-s3
MINISTACK_VERSION := 1.5.33

.PHONY: run test setup system-deps lint bench screenshots clean

run: setup ## set up and serve PDE on its embedded defaults at http://127.0.0.1:8000
	$(BIN)/pde migrate
	PDE_LOG_FORMAT=$${PDE_LOG_FORMAT:-text} $(BIN)/pde serve

# Three workers on two cores: browser and server tests spend much of their time waiting.
# Each module runs whole on one worker, in the order tests/conftest.py collects them
# (the longest first); the 25 slowest tests are listed at the end, to see where the time
# goes as tests are added. PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) are
# used when they answer, else started for the run and thrown away after it.
test: setup system-deps $(S3_VENV)/bin/ministack ## set up and run the whole test suite
	$(BIN)/ruff check .
	bash scripts/with-test-services.sh \
		$(BIN)/python -m pytest -n 3 --dist loadfile --no-loadscope-reorder --durations=25

setup: $(BIN)/pde

$(BIN)/pde: pyproject.toml
	@command -v uv >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv
	uv venv --quiet --allow-existing --python $(PYTHON) $(VENV)
	uv pip install --quiet --python $(BIN)/python -e '.[dev]'
	@touch $@

# The S3-compatible test server pins its own botocore, so it lives in its own venv.
$(S3_VENV)/bin/ministack:
	@command -v uv >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv
	uv venv --quiet --allow-existing --python $(PYTHON) $(S3_VENV)
	uv pip install --quiet --python $(S3_VENV)/bin/python ministack==$(MINISTACK_VERSION)

system-deps: ## Debian's Chromium for the browser tests, zbarimg to read QR codes
	@bash scripts/install-system-deps.sh

lint:
	$(BIN)/ruff check .
	$(BIN)/python -m mypy --strict crypto

bench: setup system-deps $(S3_VENV)/bin/ministack ## every figure of the README's performance table
	$(BIN)/python bench/crypto_throughput.py
	$(BIN)/python bench/server_throughput.py
	$(BIN)/python bench/kiosk_login.py
	$(BIN)/python bench/share_open.py
	$(BIN)/python bench/slow_line.py
	$(BIN)/python bench/indicators.py
	$(BIN)/python bench/load.py  # 5 minutes; exits 1 on any failed request

screenshots: setup system-deps ## every kiosk screen in French and Arabic, 1024x768 and 360 px
	PDE_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -q tests/e2e/test_kiosk_screens.py

clean:
	rm -rf $(VENV) $(S3_VENV) var
