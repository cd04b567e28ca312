# The two commands of the README: `make run` and `make test`. Both set up .venv first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test bench demo sysdeps-gui sysdeps-test clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

# Qt's xcb platform plugin needs these X client libraries to open a real window; a fresh
# Debian machine lacks some. Tests run offscreen and do not need them.
XCB_LIBS := libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 \
            libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libegl1 libgl1
sysdeps-gui:
	@missing=$$(for p in $(XCB_LIBS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && apt-get install -y -qq $$missing >/dev/null; \
	  else echo "Qt needs: $$missing (install with apt-get as root)"; fi; fi

# The tests render the printed notices to PNG with pdftoppm (poppler-utils) so they can be
# looked at; everything else they need comes from PyPI.
sysdeps-test:
	@if ! command -v pdftoppm >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && apt-get install -y -qq poppler-utils >/dev/null; \
	  else echo "pdftoppm (poppler-utils) is missing: the PNG rendering test of the notices will be skipped"; fi; fi

run: $(STAMP) sysdeps-gui
	$(PY) -m reseller_desk

test: $(STAMP) sysdeps-test
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) tests/benchmarks/run.py

clean:
	rm -rf $(VENV) tests/artifacts
