"""Executing a plan: each run in a process of its own, which writes `result.json` in its
work dir last and atomically. A run that has one is finished and is reused unless its inputs
changed or a redo is asked for. `schedule` runs the rest, `jobs` at a time with the cores
split between them, and prints progress with an ETA per run.

The processes are forked from a server that imported torch, mmdet and mmseg once (a
multiprocessing forkserver): each run starts as clean as a new interpreter, without the
~5 s of imports a `python -m backbones.experiments.runs RUN WORK_DIR` (the same run by hand)
spends before its first step.
"""
from __future__ import annotations

import copy
import hashlib
import json
import multiprocessing
import multiprocessing.forkserver
import os
import os.path as osp
import sys
import time
from dataclasses import dataclass

from ..evaluation.results import logged
from ..data.demo import VERSIONS as DATA_VERSIONS
from ..weights.io import save_json
from .plan import Run, read_config, work_dir
from .tables import summary


def _inputs_key(run: Run, max_iters: int | None) -> str:
    """What a finished run's result depends on: its config text, options, length, the
    weights it starts from and the demo sets' versions (a set drawn anew is new data)."""
    h = hashlib.sha1(json.dumps(read_config(run.config).to_dict(), sort_keys=True,
                                default=repr).encode())
    h.update(repr((run.cfg_options, run.seed, max_iters, sorted(DATA_VERSIONS.items()))).encode())
    if run.needs and osp.isfile(run.needs):
        h.update(str(os.stat(run.needs).st_mtime_ns).encode())
    return h.hexdigest()[:16]


def execute(run: Run, out_dir: str, *, max_iters: int | None = None) -> dict:
    """Train and test `run` in this process; export (pretraining) or draw (fine-tuning);
    write result.json last. Returns the result."""
    from ..evaluation.pictures import save_prediction
    from ..engine.runner import Runner
    start = time.time()
    cfg = copy.deepcopy(read_config(run.config))  # the cached one stays as read (the key)
    cfg.merge_from_dict(dict(run.cfg_options))
    if run.seed is not None:
        cfg.randomness = dict(cfg.get('randomness') or {}, seed=run.seed)
    cfg.work_dir, cfg.launcher = out_dir, 'none'
    if max_iters:  # a short run (the test suite's): every interval fits in it
        cfg.train_cfg.max_iters = cfg.train_cfg.val_interval = max_iters
    # No checkpoint: the study keeps result.json, the exported weights, the logs and the
    # picture; the demo's 20 checkpoints were 6.5 GB (tools/train.py keeps a config's model).
    cfg.default_hooks.checkpoint.update(interval=cfg.train_cfg.max_iters + 1, save_last=False)
    if cfg.test_dataloader == cfg.val_dataloader and cfg.test_evaluator == cfg.val_evaluator:
        # runner.test() below evaluates the same set: a validation at the end of training
        # would compute the same figures a second time (the demo's configs: val = test).
        cfg.train_cfg.val_begin = cfg.train_cfg.max_iters + 1
    cfg.visualizer.name = f'visualizer_{osp.basename(out_dir)}'  # one per run and process
    runner = Runner.from_cfg(cfg)  # (from_cfg prepares the config)
    runner.train()
    metrics = {k: float(v) for k, v in runner.test().items()}
    result = dict(run=run.__dict__, metrics=metrics, inputs=_inputs_key(run, max_iters))
    if run.export:
        runner.model.export_release(run.export)
        result['weights'] = run.export
    elif run.task in ('detection', 'segmentation'):
        picture = osp.join(out_dir, 'prediction.png')
        save_prediction(runner, picture)
        result['picture'] = picture
    result['seconds'] = round(time.time() - start, 1)
    save_json(result, osp.join(out_dir, 'result.json'))
    return result


def finished(run: Run, out_dir: str, max_iters: int | None) -> dict | None:
    path = osp.join(out_dir, 'result.json')
    if not osp.isfile(path):
        return None
    with open(path) as f:
        result = json.load(f)
    return result if result.get('inputs') == _inputs_key(run, max_iters) else None


def _progress(out_dir: str, since: float) -> int:
    """The last training iteration the run logged (its scalars.json) since `since`, 0 before
    any: a rerun's work dir still holds the earlier run's log, whose last iteration is not
    this run's progress."""
    return max((r.get('iter', 0) for r in logged(out_dir, 'scalars.json', since=since)),
               default=0)


def _max_iters(run: Run, max_iters: int | None) -> int:
    return max_iters or read_config(run.config).train_cfg.max_iters


def fmt(seconds: float) -> str:
    return f'{int(seconds) // 60}m{int(seconds) % 60:02d}s'


# What every run imports before its first step; the forkserver imports it once.
_PRELOAD = ['torch', 'backbones.engine.runner', 'mmdet.models', 'mmseg.models', 'mmcv.ops']


def forkserver(threads: int | None = None) -> multiprocessing.context.BaseContext:
    """A multiprocessing context whose processes fork from one server that imported _PRELOAD
    (tests/forked.py runs the tools through it too). With `threads`, a server not yet running
    starts with OMP_NUM_THREADS=threads: the libraries it imports size their thread pools
    then, and a run forked from a server without it ran 5-9% slower beside another (Mask
    R-CNN ConvNeXt-T, 40 iterations: 38.6-40.2 s against 36.7-38.2 s)."""
    ctx = multiprocessing.get_context('forkserver')
    ctx.set_forkserver_preload(_PRELOAD)
    if threads:
        saved = os.environ.get('OMP_NUM_THREADS')
        os.environ['OMP_NUM_THREADS'] = str(threads)
        try:
            multiprocessing.forkserver.ensure_running()
        finally:
            if saved is None:
                del os.environ['OMP_NUM_THREADS']
            else:
                os.environ['OMP_NUM_THREADS'] = saved
    return ctx


def redirect_output(cwd: str, stdout: str, stderr: str | None = None) -> None:
    """In a forked process: work in `cwd`, and write file descriptors 1 and 2 (C code's
    output too) into the file `stdout`, or 2 into `stderr` if given, line by line."""
    os.chdir(cwd)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    out = os.open(stdout, flags)
    os.dup2(out, 1)
    os.dup2(out if stderr is None else os.open(stderr, flags), 2)
    sys.stdout.reconfigure(line_buffering=True)
    sys.stderr.reconfigure(line_buffering=True)


def _child(spec: dict, out_dir: str, max_iters: int | None, threads: int, cwd: str) -> None:
    """A run in its forked process: in the study's directory (relative paths), stdout and
    stderr to its run.log, `threads` threads."""
    import torch
    redirect_output(cwd, osp.join(out_dir, 'run.log'))
    os.environ['OMP_NUM_THREADS'] = str(threads)  # for anything it starts
    torch.set_num_threads(threads)
    execute(_run_of(spec), out_dir, max_iters=max_iters)


def _run_of(spec: dict) -> Run:
    return Run(**dict(spec, cfg_options=tuple(tuple(kv) for kv in spec['cfg_options'])))


@dataclass
class _Job:
    """A run in its process: the process, when it started, its length in iterations, and
    the first progress seen (iteration, time), for its rate."""
    proc: multiprocessing.process.BaseProcess
    started: float
    length: int
    first: tuple[int, float] | None = None


def _unfinished(runs: list[Run], root: str, redo: bool, max_iters: int | None
                ) -> tuple[dict[Run, dict], list[Run]]:
    """The results of the runs that are finished (unless `redo`), marked `reused`, and the
    others."""
    results, todo = {}, []
    for run in runs:
        done = None if redo else finished(run, work_dir(run, root), max_iters)
        if done:
            print(f'[study] reusing {run.name} ({work_dir(run, root)}/result.json)', flush=True)
            results[run] = dict(done, reused=True)
        else:
            todo.append(run)
    return results, todo


def _ready(todo: list[Run], running: dict[Run, _Job]) -> list[Run]:
    """The runs whose input file is written (and not still being written by a running run)."""
    return [r for r in todo if not r.needs or osp.isfile(r.needs)
            and not any(p.export == r.needs for p in running)]


def _start(run: Run, root: str, max_iters: int | None, threads: int,
           ctx: multiprocessing.context.BaseContext) -> _Job:
    out = work_dir(run, root)
    os.makedirs(out, exist_ok=True)
    proc = ctx.Process(target=_child, args=(run.__dict__, out, max_iters, threads, os.getcwd()),
                       name=run.name)
    proc.start()
    print(f'[study] started {run.name} ({run.backbone}, {run.task}, {run.init}); '
          f'log: {out}/run.log', flush=True)
    return _Job(proc, time.time(), _max_iters(run, max_iters))


def _finish(run: Run, job: _Job, root: str) -> dict:
    """The result of a run whose process ended; RuntimeError naming its log if it failed."""
    out = work_dir(run, root)
    if job.proc.exitcode != 0:
        raise RuntimeError(f'[study] {run.name} failed (exit {job.proc.exitcode}); '
                           f'see {out}/run.log')
    with open(osp.join(out, 'result.json')) as f:
        result = json.load(f)
    print(f'[study] finished {run.name} in {fmt(time.time() - job.started)}: '
          f'{summary(run, result["metrics"])}', flush=True)
    return result


def _eta(run: Run, job: _Job, root: str) -> str:
    """'NAME 120/150 it, ETA 0m40s + test' from the iterations logged since first seen."""
    it = _progress(work_dir(run, root), job.started)
    if it and job.first is None:
        job.first = (it, time.time())
    rate = ((it - job.first[0]) / (time.time() - job.first[1])
            if job.first and it > job.first[0] else None)
    eta = fmt((job.length - it) / rate) + ' + test' if rate else '?'
    return f'{run.name} {it}/{job.length} it, ETA {eta}'


def schedule(runs: list[Run], root: str, *, jobs: int = 2, redo: bool = False,
             max_iters: int | None = None, poll: float = 20.0) -> dict[Run, dict]:
    """Run what is not finished, `jobs` at a time (each with its share of the cores), a
    run only once the file it needs exists; print progress with an ETA per run. Raises
    RuntimeError naming the log of a run that failed (the others are stopped)."""
    results, todo = _unfinished(runs, root, redo, max_iters)
    threads = max(1, (os.cpu_count() or 2) // max(jobs, 1))
    ctx = forkserver(threads) if todo else None
    running: dict[Run, _Job] = {}
    total, start, last_print = len(todo), time.time(), 0.0
    try:
        while todo or running:
            for run in _ready(todo, running)[:jobs - len(running)]:
                todo.remove(run)
                running[run] = _start(run, root, max_iters, threads, ctx)
            if not running and todo:
                raise RuntimeError('[study] runs wait for files no run writes: '
                                   + ', '.join(f'{r.name} needs {r.needs}' for r in todo))
            time.sleep(0.5)
            for run in [r for r, job in running.items() if job.proc.exitcode is not None]:
                results[run] = _finish(run, running.pop(run), root)
            if running and time.time() - last_print >= poll:
                last_print = time.time()
                done = total - len(todo) - len(running)
                print(f'[study] {done}/{total} done, {fmt(time.time() - start)} elapsed | '
                      + ' | '.join(_eta(run, job, root) for run, job in running.items()),
                      flush=True)
    finally:
        for job in running.values():
            job.proc.kill()
            job.proc.join()
    return {run: results[run] for run in runs}


def _main() -> None:
    import argparse
    parser = argparse.ArgumentParser(description='one run of a study by hand (tools/study.py forks the same)')
    parser.add_argument('run')
    parser.add_argument('work_dir')
    parser.add_argument('--max-iters', type=int)
    args = parser.parse_args()
    execute(_run_of(json.loads(args.run)), args.work_dir, max_iters=args.max_iters)


if __name__ == '__main__':
    _main()
