# The two set-up commands of the README. Both install the stack into .venv first
# (tools/install.sh; the first run on a machine builds mmcv, 8-15 minutes).
PY := .venv/bin/python

.PHONY: install demo test
install:
	bash tools/install.sh

demo: install
	$(PY) tools/study.py

# -n 2 --dist loadfile: two test processes of one thread each, a test file (and the models
# its fixtures train) in one process, so both cores run tests the whole time (docs/install.md
# has the figures).
# --budget: fail if a test overruns its stated time (tests/budget.py); --durations: the
# slowest tests at the end of every run, so each addition's cost shows in the CI log.
test: install
	$(PY) -m ruff check
	OMP_NUM_THREADS=1 $(PY) -m pytest -q -p no:cacheprovider -n 2 --dist loadfile --budget --durations=15
