"""tests/forked.py: a tool forked from the server runs as a cold `python tool.py` would, even
when the server was started by the study's scheduler with another thread count."""
import os
import subprocess
import sys

import pytest

from backbones.experiments.runs import forkserver
from forked import run_tool

SCRIPT = 'import os, torch; print(torch.get_num_threads(), os.environ.get("OMP_NUM_THREADS"))\n'


@pytest.mark.parametrize('threads', ['1', '2', None])
def test_a_forked_tool_has_the_threads_of_a_cold_start(tmp_path, threads):
    forkserver(2)  # as schedule(jobs=1) starts it on two cores, if this process has none yet
    script = tmp_path / 'threads.py'
    script.write_text(SCRIPT)
    env = {k: v for k, v in os.environ.items() if k != 'OMP_NUM_THREADS'}
    if threads:
        env['OMP_NUM_THREADS'] = threads
    cold = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          env=env, check=True).stdout
    forked = run_tool(script, env=env)
    assert forked.returncode == 0, forked.stderr
    assert forked.stdout == cold
    if threads:
        assert cold.split()[0] == threads
