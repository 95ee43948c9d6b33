"""The paper's experiment: pretrain, export as the release is written, fine-tune, compare.

One `Run` is one config trained and tested in its own work dir. The demo plan (`demo_plan`)
pretrains ConvNeXt-T's and ResNet-50's ImageNet classifiers on the demo's classification
set, exports each as its official release file (backbones.ImageClassifier.export_release),
and fine-tunes Mask R-CNN and UperNet from those files and from scratch: same configs,
schedule, seed and data; only `init_cfg` differs. The paper plan (`paper_plan`) names the
same eight fine-tuning runs at full scale (COCO 3x, ADE20K 160k) from the official weights,
for a cluster; `collect` reads their work dirs into the same table and figure.

Each run executes in a subprocess (`python -m backbones.experiments.study CONFIG WORK_DIR`), which writes
`result.json` in its work dir last and atomically: a run that has one is finished and is
reused unless its inputs changed or a redo is asked for. `schedule` runs them, `jobs` at a
time with the cores split between them, and prints progress with an ETA per run.
"""
from __future__ import annotations

import copy
import functools
import hashlib
import json
import os
import os.path as osp
import subprocess
import sys
import time
from dataclasses import dataclass

from ..weights.io import save_json
from ..evaluation.paper import PAPER
from ..evaluation.results import METRICS as ALL_METRICS, TASK_METRICS, latest_metrics, logged

# per task: (name, log key, scale to percent), from the one metric table
METRICS = {task: tuple((n, ALL_METRICS[n].log_key, ALL_METRICS[n].scale) for n in names)
           for task, names in TASK_METRICS.items()}
STUDY_DIR = 'work_dirs/study'


@dataclass(frozen=True)
class Run:
    backbone: str  # 'ConvNeXt-T' | 'ResNet-50'
    task: str  # 'pretraining' | 'detection' | 'segmentation'
    init: str  # 'scratch' | 'pretrained'
    config: str
    cfg_options: tuple = ()  # (key, value) pairs applied to the config
    export: str | None = None  # pretraining: where the release-format weights go
    needs: str | None = None  # a file another run writes first (the pretrained weights)
    seed: int | None = None  # randomness.seed for this run (None: the config's own)

    @property
    def name(self) -> str:
        # one config, two runs: its scratch run sets the backbone's init_cfg
        scratch_of_pretrained = self.init == 'scratch' and any(
            k.startswith('model.backbone.init_cfg') for k, _ in self.cfg_options)
        return (osp.splitext(osp.basename(self.config))[0]
                + ('_scratch' if scratch_of_pretrained else '')
                + (f'_seed{self.seed}' if self.seed is not None else ''))


REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))  # the checkout, above backbones/experiments/


@functools.lru_cache(maxsize=None)
def _read(config: str):
    """The config file `config`, parsed once per process and only read from: the scheduler
    asks each run's config for its key, length and precision, and MMEngine takes about a
    second to resolve a config's mmdet / mmseg bases."""
    from mmengine.config import Config
    return Config.fromfile(config)


def _init_checkpoint(config: str) -> str:
    """The file a fine-tuning config's backbone starts from (its init_cfg)."""
    init = _read(config).model.backbone.get('init_cfg') or {}
    if init.get('type') != 'Pretrained':
        raise ValueError(f'{config}: model.backbone.init_cfg is not Pretrained')
    return init['checkpoint']


SEEDS = (0, 1)  # every run of the demo chain (pretraining and fine-tuning) runs once per seed


def seeded_weights(path: str, seed: int) -> str:
    """Where pretraining seed `seed` exports: the -pre configs' own file for seed 0 (so they
    run as they are after make demo), `<name>_seed<s>.pth` beside it for the others."""
    stem, ext = osp.splitext(path)
    return path if seed == 0 else f'{stem}_seed{seed}{ext}'


def demo_plan(seeds: tuple[int, ...] = SEEDS) -> list[Run]:
    """Per backbone and seed s: pretraining with seed s, exported as released; then detection
    and segmentation from scratch and from that export, each with seed s. So a cell's range
    holds the pretraining's variance too; scratch and pretrained runs of a cell differ only in
    what their init means (init_cfg, and SCRATCH's values, which the scratch configs hold)."""
    pretraining, runs = [], []
    for backbone, tag in (('ConvNeXt-T', 'convnext-t'), ('ResNet-50', 'r50')):
        config = osp.join(REPO, 'configs', 'demo', '{}.py').format
        pretrained = {'detection': config(f'mask-rcnn_{tag}-pre_fpn_demo-shapes'),
                      'segmentation': config(f'upernet_{tag}-pre_demo-shapes')}
        scratch = {'detection': config(f'mask-rcnn_{tag}_fpn_demo-shapes'),
                   'segmentation': config(f'upernet_{tag}_demo-shapes')}
        exported = _init_checkpoint(pretrained['detection'])  # the file the -pre configs read
        for seed in seeds:
            weights = seeded_weights(exported, seed)
            pretraining.append(Run(backbone, 'pretraining', 'scratch',
                                   config(f'{tag}_demo-shapes-cls'), export=weights, seed=seed))
            for task in ('detection', 'segmentation'):
                runs.append(Run(backbone, task, 'scratch', scratch[task], seed=seed))
                runs.append(Run(backbone, task, 'pretrained', pretrained[task], needs=weights,
                                seed=seed, cfg_options=(
                                    ('model.backbone.init_cfg.checkpoint', weights),)))
    return pretraining + runs


# What training from scratch means for each backbone, beyond dropping init_cfg. ResNet-50:
# nothing frozen at its random init (mmdet's recipe freezes the stem and BatchNorm statistics,
# right only for pretrained weights). ConvNeXt-T: layer scale from the official from-scratch
# 1e-6 (the fine-tuning configs' 1.0 is overwritten by a checkpoint; from scratch nothing
# overwrites it). The demo's scratch configs are written with the same values.
SCRATCH = {'ResNet-50': (('model.backbone.frozen_stages', -1), ('model.backbone.norm_eval', False)),
           'ConvNeXt-T': (('model.backbone.layer_scale_init_value', 1e-6),)}

PAPER_CONFIGS = {('ConvNeXt-T', 'detection'): 'configs/mask_rcnn/mask-rcnn_convnext-t_fpn_ms-crop-3x_coco.py',
                 ('ResNet-50', 'detection'): 'configs/mask_rcnn/mask-rcnn_r50_fpn_ms-crop-3x_coco.py',
                 ('ConvNeXt-T', 'segmentation'): 'configs/upernet/upernet_convnext-t_160k_ade20k-512x512.py',
                 ('ResNet-50', 'segmentation'): 'configs/upernet/upernet_r50_160k_ade20k-512x512.py'}


def paper_plan(pretrained: dict[str, str] | None = None) -> list[Run]:
    """The eight fine-tuning runs at the paper's scale, their configs relative to the checkout
    (the commands are run from there). Pretrained runs read the configs' weights (the official
    URLs) unless `pretrained` maps a backbone to another file or URL; scratch runs set the
    backbone's init_cfg to None. Options are single `key=value` settings, as --cfg-options
    takes them on the command line (`paper_command`)."""
    runs = []
    for (backbone, task), config in PAPER_CONFIGS.items():
        weights = (pretrained or {}).get(backbone)
        init = ((('model.backbone.init_cfg.type', 'Pretrained'),
                 ('model.backbone.init_cfg.checkpoint', weights)) if weights else ())
        runs.append(Run(backbone, task, 'pretrained', config, cfg_options=init))
        runs.append(Run(backbone, task, 'scratch', config,
                        cfg_options=(('model.backbone.init_cfg', None), *SCRATCH[backbone])))
    return runs


def _option(key: str, value) -> str:
    """One --cfg-options item that MMEngine's DictAction reads back as `value`."""
    if value is not None and not isinstance(value, (bool, int, float, str)):
        raise TypeError(f'{key}: {value!r} cannot be written as one --cfg-options item')
    if isinstance(value, str) and any(c.isspace() for c in value):
        raise ValueError(f'{key}={value!r}: MMEngine\'s --cfg-options drops every space in a '
                         'value, so the command could not pass it on; use a path without spaces')
    return f'{key}={value}'  # None / True / False / -1 / text: DictAction parses them back


def paper_command(run: Run, root: str, gpus: int = 8) -> list[str]:
    """The cluster command of a paper-scale run, one argument per list item."""
    options = [_option(k, v) for k, v in run.cfg_options]
    return (['tools/dist_train.sh', run.config, str(gpus), '--work-dir', work_dir(run, root)]
            + (['--cfg-options', *options] if options else []))


def work_dir(run: Run, root: str) -> str:
    return osp.join(root, run.name)


def precision_of(run: Run) -> str:
    """The precision the run's training forward will use on this machine: 'float32', or the
    autocast dtype where its config asks for one and the device computes it natively."""
    import torch
    from ..engine.precision import autocast_unsupported
    wrapper = _read(run.config).optim_wrapper
    if wrapper.get('type') not in ('backbones.AutocastOptimWrapper', 'AutocastOptimWrapper'):
        return 'float32'
    dtype = wrapper.get('dtype', 'bfloat16')
    device = 'cuda' if torch.cuda.is_available() else 'cpu'
    reason = autocast_unsupported(device, getattr(torch, dtype))
    return f'float32 (config asks {dtype}; {reason})' if reason else f'{dtype} autocast'


# -- one run, in its own process ------------------------------------------------------------
def _inputs_key(run: Run, max_iters: int | None) -> str:
    """What a finished run's result depends on: its config text, options, length and the
    weights it starts from."""
    h = hashlib.sha1(json.dumps(_read(run.config).to_dict(), sort_keys=True,
                                default=repr).encode())
    h.update(repr((run.cfg_options, run.seed, max_iters)).encode())
    if run.needs and osp.isfile(run.needs):
        h.update(str(os.stat(run.needs).st_mtime_ns).encode())
    return h.hexdigest()[:16]


def execute(run: Run, out_dir: str, *, max_iters: int | None = None) -> dict:
    """Train and test `run` in this process; export (pretraining) or draw (fine-tuning);
    write result.json last. Returns the result."""
    from ..evaluation.pictures import save_prediction
    from ..engine.runner import Runner
    start = time.time()
    cfg = copy.deepcopy(_read(run.config))  # _read's stays as read: result.json's key uses it
    cfg.merge_from_dict(dict(run.cfg_options))
    if run.seed is not None:
        cfg.randomness = dict(cfg.get('randomness') or {}, seed=run.seed)
    cfg.work_dir, cfg.launcher = out_dir, 'none'
    if max_iters:  # a short run (the test suite's): every interval fits in it, and no
        # checkpoint is written (the study reads result.json; 20 of them were 6 GB)
        cfg.train_cfg.max_iters = cfg.train_cfg.val_interval = max_iters
        cfg.default_hooks.checkpoint.update(interval=max_iters + 1, save_last=False)
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


# -- many runs, scheduled ----------------------------------------------------------------
def _progress(out_dir: str) -> int:
    """The last training iteration the run logged (its scalars.json), 0 before any."""
    return max((r.get('iter', 0) for r in logged(out_dir, 'scalars.json')), default=0)


def _max_iters(run: Run, max_iters: int | None) -> int:
    return max_iters or _read(run.config).train_cfg.max_iters


def fmt(seconds: float) -> str:
    return f'{int(seconds) // 60}m{int(seconds) % 60:02d}s'


def schedule(runs: list[Run], root: str, *, jobs: int = 2, redo: bool = False,
             max_iters: int | None = None, poll: float = 20.0) -> dict[Run, dict]:
    """Run what is not finished, `jobs` at a time (each with its share of the cores), a
    run only once the file it needs exists; print progress with an ETA per run. Raises
    RuntimeError naming the log of a run that failed (the others are stopped)."""
    results, todo, running = {}, [], {}
    for run in runs:
        done = None if redo else finished(run, work_dir(run, root), max_iters)
        if done:
            print(f'[study] reusing {run.name} ({work_dir(run, root)}/result.json)', flush=True)
            results[run] = done
        else:
            todo.append(run)
    threads = max(1, (os.cpu_count() or 2) // max(jobs, 1))
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), PYTHONUNBUFFERED='1')
    total, started_all, last_print, seen = len(todo), time.time(), 0.0, {}
    try:
        while todo or running:
            ready = [r for r in todo if not r.needs or osp.isfile(r.needs)
                     and not any(p.export == r.needs for p in running)]
            while ready and len(running) < jobs:
                run = ready.pop(0)
                todo.remove(run)
                out = work_dir(run, root)
                os.makedirs(out, exist_ok=True)
                log = open(osp.join(out, 'run.log'), 'w')
                cmd = [sys.executable, '-m', 'backbones.experiments.study', json.dumps(run.__dict__), out]
                cmd += ['--max-iters', str(max_iters)] if max_iters else []
                proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
                running[run] = (proc, log, time.time(), _max_iters(run, max_iters))
                print(f'[study] started {run.name} ({run.backbone}, {run.task}, {run.init}); '
                      f'log: {out}/run.log', flush=True)
            if not running and todo:
                raise RuntimeError('[study] runs wait for files no run writes: '
                                   + ', '.join(f'{r.name} needs {r.needs}' for r in todo))
            time.sleep(0.5)
            for run, (proc, log, t0, n) in list(running.items()):
                if proc.poll() is None:
                    continue
                log.close()
                del running[run]
                out = work_dir(run, root)
                if proc.returncode != 0:
                    raise RuntimeError(f'[study] {run.name} failed (exit {proc.returncode}); '
                                       f'see {out}/run.log')
                with open(osp.join(out, 'result.json')) as f:
                    results[run] = json.load(f)
                print(f'[study] finished {run.name} in {fmt(time.time() - t0)}: '
                      f'{summary(run, results[run]["metrics"])}', flush=True)
            if running and time.time() - last_print >= poll:
                last_print = time.time()
                left = len(todo) + len(running)
                lines = []
                for run, (_, _, t0, n) in running.items():
                    it = _progress(work_dir(run, root))
                    first = seen.setdefault(run, (it, time.time())) if it else None
                    rate = ((it - first[0]) / (time.time() - first[1])
                            if first and it > first[0] else None)
                    eta = (n - it) / rate if rate else None
                    lines.append(f'{run.name} {it}/{n} it, ETA '
                                 f'{fmt(eta) + " + test" if eta is not None else "?"}')
                print(f'[study] {total - left}/{total} done, {fmt(time.time() - started_all)} '
                      f'elapsed | ' + ' | '.join(lines), flush=True)
    finally:
        for proc, log, _, _ in running.values():
            proc.kill()
            log.close()
    return {run: results[run] for run in runs}


# -- results --------------------------------------------------------------------------------
def summary(run: Run, metrics: dict) -> str:
    return ', '.join(f'{name} {scale * metrics[key]:.1f}' for name, key, scale
                     in METRICS[run.task] if key in metrics)


def rows(results: dict[Run, dict]) -> list[dict]:
    """results.json's rows: one per run (pretraining included), metric and seed, values in
    percent."""
    out = []
    for run, result in results.items():
        for name, key, scale in METRICS[run.task]:
            if key in result['metrics']:
                out.append(dict(backbone=run.backbone, task=run.task, init=run.init,
                                metric=name, seed=run.seed,
                                value=round(scale * result['metrics'][key], 2)))
    return out


def cells(table: list[dict]) -> dict[tuple, list[float]]:
    """(backbone, task, init, metric) -> the values of its seeds, in the table's order."""
    out: dict[tuple, list[float]] = {}
    for r in table:
        out.setdefault((r['backbone'], r['task'], r['init'], r['metric']), []).append(r['value'])
    return out


def spread(values: list[float]) -> str:
    """Mean and range of a cell's seeds: '52.3 (49.1-55.5, 2 seeds)', or the one value."""
    if len(values) == 1:
        return f'{values[0]:.1f}'
    return (f'{sum(values) / len(values):.1f} ({min(values):.1f}-{max(values):.1f}, '
            f'{len(values)} seeds)')


def effects(table: list[dict]) -> list[dict]:
    """Per backbone, task and metric: pretrained mean minus scratch mean, each side's range,
    and whether the ranges are apart (every pretrained seed above every scratch seed, or
    below): a difference inside the seeds' spread is no result."""
    by_cell, out = cells(table), []
    for (backbone, task, init, metric), pre in by_cell.items():
        scratch = by_cell.get((backbone, task, 'scratch', metric))
        if init != 'pretrained' or not scratch:
            continue
        delta = sum(pre) / len(pre) - sum(scratch) / len(scratch)
        apart = min(pre) > max(scratch) or max(pre) < min(scratch)
        out.append(dict(backbone=backbone, task=task, metric=metric, delta=round(delta, 2),
                        scratch=scratch, pretrained=pre, beyond_spread=apart))
    return out


def paper_value(backbone: str, task: str, metric: str) -> float | None:
    """The paper's figure for a paper-plan cell (pretrained on ImageNet-1K), if it has one."""
    config = PAPER_CONFIGS.get((backbone, task))
    entry = PAPER.get(osp.splitext(osp.basename(config))[0], {}) if config else {}
    return entry.get(ALL_METRICS[metric].paper_key)


def markdown(results: dict[Run, dict], *, paper: bool = False) -> str:
    """One line per cell (backbone, task, init): its metrics as the mean and range of its
    seeds (and the paper's figures, if asked), then the effect of pretraining per metric."""
    table = rows(results)
    head = ['backbone', 'task', 'init', 'box AP', 'mask AP', 'mIoU', 'top-1']
    lines = ['| ' + ' | '.join(head + (['paper'] if paper else []) + ['work dirs']) + ' |',
             '|' + ' --- |' * (len(head) + 1 + paper)]
    by_cell = cells(table)
    groups: dict[tuple, list[Run]] = {}
    for run in results:
        groups.setdefault((run.backbone, run.task, run.init), []).append(run)
    for (backbone, task, init), runs in groups.items():
        values = {m: spread(by_cell[(backbone, task, init, m)]) for m in head[3:]
                  if (backbone, task, init, m) in by_cell}
        row = [backbone, task, init] + [values.get(c, '-') for c in head[3:]]
        if paper:
            ours = [paper_value(backbone, task, m) for m, _, _ in METRICS[task]]
            row.append(' / '.join('-' if v is None else f'{v}' for v in ours)
                       if init == 'pretrained' else '-')
        dirs = ', '.join(results[r].get('work_dir', r.name) for r in runs)
        lines.append('| ' + ' | '.join(row + [dirs]) + ' |')
    found = effects(table)
    if found:
        lines += ['', '| backbone | task | metric | pretrained - scratch | beyond the seeds\' '
                  'spread? |', '| --- | --- | --- | --- | --- |']
        lines += [f'| {e["backbone"]} | {e["task"]} | {e["metric"]} | {e["delta"]:+.1f} | '
                  + ('yes' if e['beyond_spread'] else
                     'no (ranges overlap)' if min(len(e['scratch']), len(e['pretrained'])) > 1
                     else 'one seed: cannot tell') + ' |' for e in found]
    return '\n'.join(lines) + '\n'


def figure(table: list[dict], path: str, *, title: str) -> None:
    """One panel per metric: for each backbone, scratch and pretrained bars side by side at
    the mean of their seeds, the range (min-max) as an error bar and each seed as a dot."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    metrics = [m for m in ('top-1', 'box AP', 'mask AP', 'mIoU')
               if any(r['metric'] == m for r in table)]
    backbones = list(dict.fromkeys(r['backbone'] for r in table))
    fig, axes = plt.subplots(1, len(metrics), figsize=(4 * len(metrics), 3.6), squeeze=False)
    colours = {'scratch': '#9e9e9e', 'pretrained': '#1f77b4'}
    by_cell = cells(table)
    for ax, metric in zip(axes[0], metrics):
        inits = ('scratch',) if metric == 'top-1' else ('scratch', 'pretrained')
        for k, init in enumerate(inits):
            for i, backbone in enumerate(backbones):
                values = next((v for (b, _, n, m), v in by_cell.items()
                               if b == backbone and n == init and m == metric), None)
                if not values:
                    continue
                x = i + (k - (len(inits) - 1) / 2) * 0.38
                mean = sum(values) / len(values)
                bar = ax.bar([x], [mean], 0.38, color=colours[init],
                             label=init if i == 0 and metric != 'top-1' else None,
                             yerr=[[mean - min(values)], [max(values) - mean]], capsize=4)
                ax.scatter([x] * len(values), values, s=10, color='black', zorder=3)
                ax.bar_label(bar, fmt='%.1f', fontsize=8, padding=6)
        ax.set_xticks(range(len(backbones)), backbones)
        ax.set_title(metric + (' (pretraining)' if metric == 'top-1' else ''))
        ax.set_ylim(0, 105)
    axes[0][0].set_ylabel('% (bar: mean of seeds, line: range, dots: seeds)', fontsize=8)
    handles = [a for a in axes[0] if a.get_legend_handles_labels()[0]]
    if handles:
        handles[0].legend(loc='upper left', fontsize=8)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    os.makedirs(osp.dirname(path) or '.', exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_results(results: dict[Run, dict], root: str, *, title: str,
                  paper: bool = False) -> str:
    """results.json, results.md and results.png in `root`; returns the Markdown table."""
    table = rows(results)
    save_json(table, osp.join(root, 'results.json'))
    text = markdown(results, paper=paper)
    with open(osp.join(root, 'results.md'), 'w') as f:
        f.write(text)
    figure(table, osp.join(root, 'results.png'), title=title)
    return text


def collect(runs: list[Run], root: str) -> dict[Run, dict]:
    """Results of runs done elsewhere (a cluster): each run's work dir under `root`, read as
    tools/report.py reads them (the last evaluation logged, tools/test.py's or training's)."""
    results = {}
    for run in runs:
        out = work_dir(run, root)
        metrics = latest_metrics(out) if osp.isdir(out) else {}
        if metrics:
            results[run] = dict(metrics=metrics, work_dir=out)
        else:
            print(f'[study] no evaluation logged in {out} (not run yet?)', flush=True)
    return results


def _main() -> None:
    import argparse
    parser = argparse.ArgumentParser(description='one run of the study (tools/study.py starts it)')
    parser.add_argument('run')
    parser.add_argument('work_dir')
    parser.add_argument('--max-iters', type=int)
    args = parser.parse_args()
    spec = json.loads(args.run)
    spec['cfg_options'] = tuple(tuple(kv) for kv in spec['cfg_options'])
    execute(Run(**spec), args.work_dir, max_iters=args.max_iters)


if __name__ == '__main__':
    _main()
