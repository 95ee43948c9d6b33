# The two set-up commands of the README. Both install the stack into .venv first
# (tools/install.sh; the first run on a machine builds mmcv, about 17 minutes).
PY := .venv/bin/python

.PHONY: install demo test
install:
	bash tools/install.sh

demo: install
	$(PY) tools/study.py

test: install
	$(PY) -m pytest -q -p no:cacheprovider
