# The two commands of the README: `make run` and `make test`. Both set up .venv first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench demo sysdeps-gui sysdeps-pg clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,postgres]'
	@touch $(STAMP)

# $(call apt_install,GOAL,PACKAGES,WHY,HINT): PACKAGES are the system packages found missing.
# As root on a machine with apt-get, one line per package says what is installed and why,
# then apt-get installs them; elsewhere HINT is printed and make goes on. When nothing is
# missing, nothing runs and root is not needed.
apt_install = if [ -n "$(2)" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    for p in $(2); do echo "$(1): installing $$p with apt-get ($(3))"; done; \
	    apt-get update -qq && apt-get install -y -qq $(2) >/dev/null; \
	  else echo "$(4)"; fi; fi

# Qt's xcb platform plugin needs these X client libraries to open a real window; a fresh
# Debian machine lacks some. Tests run offscreen and do not need them.
XCB_LIBS := libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 \
            libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libegl1 libgl1
XCB_WHY  := Qt's xcb platform plugin needs it to open the window
sysdeps-gui:
	@missing=$$(for p in $(XCB_LIBS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	$(call apt_install,make run,$$missing,$(XCB_WHY),Qt needs: $$missing (install with apt-get as root))

# The tests need one system package, PostgreSQL's server programs (initdb, pg_ctl), for the
# PostgreSQL leg; Qt runs offscreen with the shipped fonts and the notices are rendered to
# pixels with pypdfium2 from PyPI. Without the programs and without root, the leg is skipped
# with one line (tests/with_postgres.py); under CI=true that is an error.
PG_WHY := the tests' PostgreSQL leg runs on a throw-away server
sysdeps-pg:
	@if { command -v initdb && command -v pg_ctl; } >/dev/null || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; \
	then missing=; else missing=postgresql; fi; \
	$(call apt_install,make test,$$missing,$(PG_WHY),PostgreSQL's initdb/pg_ctl not found: the PostgreSQL leg will be skipped)

# ruff (style and the mistakes it can see) and mypy (strict on domain/ and the clock, checked
# on services/ and db/), as configured in pyproject.toml, before the tests.
lint: $(STAMP)
	$(VENV)/bin/ruff check reseller_desk tests
	$(VENV)/bin/mypy reseller_desk/domain reseller_desk/clock.py reseller_desk/services reseller_desk/db

# The window on the demo database, a file of its own (never the office's default database).
run: $(STAMP) sysdeps-gui
	$(PY) -m reseller_desk window --demo

# pytest runs beside a throw-away PostgreSQL server that tests/with_postgres.py starts and stops.
test: lint sysdeps-pg
	QT_QPA_PLATFORM=offscreen $(PY) tests/with_postgres.py $(PY) -m pytest

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) tests/benchmarks/run.py

clean:
	rm -rf $(VENV) tests/artifacts
