# Two commands do everything on a fresh machine with Python 3.11+ and make:
#   make lab    set up .venv if needed, open the course in JupyterLab (127.0.0.1, token auth)
#   make test   set up .venv if needed, run every test (unit, doctests, notebooks, browser, book,
#               nbgrader round trip, JupyterHub class)
# Other targets: make execute (regenerate stored notebook outputs), make student (student
# version into build/student), make course (nbgrader course folder into build/course), make book
# (static website into build/book), make hub (a class on JupyterHub, deploy/), make bench (print
# the benchmark tables), make lock, make clean.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
LOCK   := requirements/lock.txt
# Everything `make test` needs (the `reference` extra, PyTorch, is added by CI; without it the
# autodiff comparison with PyTorch skips locally, with its reason).
EXTRAS ?= notebook,test,bench,classroom,book,hub
LAB_EXTRAS ?= notebook
PORT   ?= 8888
CHAPTERS ?=
FORCE  ?=

# One install stamp per set of extras, named after the set (sorted, so the order does not
# matter): on an existing .venv, `make test EXTRAS=notebook,test,bench,reference` installs
# the new set; the same set again installs nothing until pyproject.toml or the lock changes.
comma  := ,
space  := $(subst ,, )
extras_set = $(sort $(subst $(comma),$(space),$(1)))
stamp_for  = $(VENV)/.installed-$(subst $(space),-,$(strip $(call extras_set,$(1))))
STAMP        := $(call stamp_for,$(EXTRAS))
LAB_STAMP    := $(call stamp_for,$(LAB_EXTRAS))
COURSE_STAMP := $(call stamp_for,$(EXTRAS)$(comma)classroom)
BOOK_STAMP   := $(call stamp_for,$(EXTRAS)$(comma)book)
HUB_STAMP    := $(call stamp_for,$(EXTRAS)$(comma)hub)
# configurable-http-proxy for JupyterHub, from npm into deploy/jupyterhub (never globally)
HUB_PROXY    := deploy/jupyterhub/node_modules/.bin/configurable-http-proxy
NPM          := $(shell command -v npm 2>/dev/null)

.PHONY: lab test unit notebooks browser execute student course book hub-setup hub bench lock clean help

help:
	@sed -n '1,8p' Makefile

$(VENV)/.installed-%: pyproject.toml $(LOCK)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed; set PYTHON=/path/to/python3.11")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24"
	$(PY) -m pip install --quiet --disable-pip-version-check -c $(LOCK) -e ".[$(subst -,$(comma),$*)]"
	touch $@

$(HUB_PROXY): deploy/jupyterhub/package.json deploy/jupyterhub/package-lock.json
	npm ci --prefix deploy/jupyterhub --no-audit --no-fund
	touch $@

# The learner's JupyterLab: lab_config/ hides the grading tools (nbgrader's menus and
# handlers, installed with the classroom extra for `make test` and teachers).
lab: $(LAB_STAMP)
	JUPYTER_CONFIG_PATH=$(CURDIR)/lab_config $(VENV)/bin/jupyter lab --ServerApp.ip=127.0.0.1 \
	    --ServerApp.port=$(PORT) --ServerApp.root_dir=notebooks --ServerApp.open_browser=False \
	    $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

# Test files run in reverse order here (`make unit` keeps the usual order), so a test that only
# passes because another file ran first fails one of the two.
test: $(STAMP) $(if $(NPM),$(HUB_PROXY))
	$(PY) -m pytest --nbval --nbval-current-env --nbval-cell-timeout=120 --reverse-modules

unit: $(STAMP)
	$(PY) -m pytest tests calclib

notebooks: $(STAMP)
	$(PY) -m pytest notebooks --nbval --nbval-current-env --nbval-cell-timeout=120

browser: $(STAMP)
	$(PY) -m pytest tests/browser

execute: $(STAMP)
	$(PY) tools/execute_notebooks.py notebooks/*.ipynb

student: $(STAMP)
	$(PY) tools/make_student.py notebooks build/student

# nbgrader comes with the `classroom` extra, installed here on top of EXTRAS.
course: $(COURSE_STAMP)
	$(PY) tools/make_course.py notebooks build/course $(if $(strip $(CHAPTERS)),--chapters $(CHAPTERS)) \
	    $(if $(strip $(FORCE)),--force)

# Sphinx and myst-nb come with the `book` extra, installed here on top of EXTRAS.
book: $(BOOK_STAMP)
	$(PY) tools/build_book.py notebooks build/book

# A class on JupyterHub on this machine (README, "A class on JupyterHub"; run as root).
hub-setup: $(HUB_STAMP) $(HUB_PROXY)
hub: hub-setup
	$(VENV)/bin/jupyterhub -f deploy/jupyterhub/jupyterhub_config.py

bench: $(STAMP)
	for b in benchmarks/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

# Rewrite the lock from what is installed in .venv (after changing pyproject.toml).
lock: $(STAMP)
	$(PY) -m pip freeze --exclude-editable --exclude calclib > $(LOCK)

clean:
	rm -rf $(VENV) build .pytest_cache deploy/jupyterhub/node_modules
