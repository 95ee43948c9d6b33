# The two set-up commands of the README. Both install the stack into .venv first
# (tools/install.sh; the first run on a machine builds mmcv, 8-15 minutes).
PY := .venv/bin/python

.PHONY: install demo test
install:
	bash tools/install.sh

demo: install
	$(PY) tools/study.py

# --budget: fail if a test overruns its stated time (tests/budget.py); --durations: the
# slowest tests at the end of every run, so each addition's cost shows in the CI log.
test: install
	$(PY) -m ruff check
	$(PY) -m pytest -q -p no:cacheprovider --budget --durations=15
