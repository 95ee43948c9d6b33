"""`python tools/X.py ARGS` for the tests, without its ~5 s of imports: `run_tool` runs the
script as `__main__` (argv, cwd, environment, exit status, stdout and stderr as a user's
shell gives them) in a process forked from a server that imported torch, mmdet and mmseg once
per test process (the study's forkserver, backbones/experiments/runs.py). Each call is a new
process, so no state passes from one tool run to the next or back to the test.

What a fork cannot show stays a real subprocess: the warnings a cold start prints
(tests/test_tools_quiet.py), torchrun and signals (test_distributed.py, test_reliability.py),
environment variables read at interpreter start, and the study, which forks its own runs.
"""
from __future__ import annotations

import functools
import os
import runpy
import subprocess
import sys
import tempfile
from pathlib import Path

from backbones.experiments.runs import forkserver, redirect_output

ROOT = Path(__file__).resolve().parents[1]
_CTX = None


def _main(script: str, args: list[str], cwd: str, env: dict | None, threads: int, out: str,
          err: str):
    import torch
    redirect_output(cwd, out, err)
    if env is not None:
        os.environ.clear()
        os.environ.update(env)
        if env.get('PYTHONWARNINGS'):
            import warnings
            warnings.simplefilter(env['PYTHONWARNINGS'])
    torch.set_num_threads(threads)
    sys.argv = [script, *args]
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))  # as `python script` does
    runpy.run_path(script, run_name='__main__')


def _threads_of_a_cold_start(env: dict | None) -> int:
    """torch's intra-op threads as `python script` would have them under `env`: torch sized
    its pool when the server imported it, under whatever OMP_NUM_THREADS the server's starter
    had (the study's scheduler starts it with cores // jobs), not the tool's. A count that
    differs changes how convolutions split their sums, and so the last bits of a prediction."""
    threads = (os.environ if env is None else env).get('OMP_NUM_THREADS')
    return int(threads) if threads else _default_threads()


@functools.lru_cache(maxsize=None)
def _default_threads() -> int:
    """torch's thread count in a fresh interpreter without OMP_NUM_THREADS (asked once per
    test process)."""
    env = {k: v for k, v in os.environ.items() if k != 'OMP_NUM_THREADS'}
    out = subprocess.run([sys.executable, '-c', 'import torch; print(torch.get_num_threads())'],
                         capture_output=True, text=True, env=env, check=True)
    return int(out.stdout)


def run_tool(script, *args, cwd=ROOT, env: dict | None = None,
             timeout: float = 600) -> subprocess.CompletedProcess:
    """What `subprocess.run([sys.executable, script, *args], cwd=cwd, env=env,
    capture_output=True, text=True, timeout=timeout)` returns, from a forked process."""
    global _CTX
    _CTX = _CTX or forkserver()
    args = [str(a) for a in args]
    with tempfile.TemporaryDirectory() as tmp:
        out, err = Path(tmp, 'stdout'), Path(tmp, 'stderr')
        out.touch()  # empty, not missing, if the process dies before it writes
        err.touch()
        proc = _CTX.Process(target=_main, args=(str(script), args, str(cwd), env,
                                                _threads_of_a_cold_start(env), str(out), str(err)))
        proc.start()
        proc.join(timeout)
        if proc.exitcode is None:
            proc.kill()
            proc.join()
            raise subprocess.TimeoutExpired([script, *args], timeout)
        return subprocess.CompletedProcess([script, *args], proc.exitcode,
                                           out.read_text(errors='replace'),
                                           err.read_text(errors='replace'))
