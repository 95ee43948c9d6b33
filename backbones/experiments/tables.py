"""A study's results as a table and a figure: per cell (backbone, task, init) the mean and
range of its seeds, the effect of pretraining against the seeds' spread, and the paper's
figures beside a paper-scale run (`write_results`); `collect` reads runs done elsewhere.
"""
from __future__ import annotations

import os
import os.path as osp

from ..evaluation.paper import PAPER
from ..evaluation.results import METRICS as ALL_METRICS, TASK_METRICS, latest_metrics
from ..weights.io import save_json, save_text
from .plan import PAPER_CONFIGS, Run, work_dir

# per task: (name, log key, scale to percent), from the one metric table
METRICS = {task: tuple((n, ALL_METRICS[n].log_key, ALL_METRICS[n].scale) for n in names)
           for task, names in TASK_METRICS.items()}


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
    """Per backbone, task and metric: pretrained mean minus scratch mean, each side's seeds,
    whether the ranges are apart (every pretrained seed above every scratch seed, or below):
    a difference inside the seeds' spread is no result; and the larger of the two ranges,
    which the demo's effects should exceed twice over (`stands_out`)."""
    by_cell, out = cells(table), []
    for (backbone, task, init, metric), pre in by_cell.items():
        scratch = by_cell.get((backbone, task, 'scratch', metric))
        if init != 'pretrained' or not scratch:
            continue
        delta = sum(pre) / len(pre) - sum(scratch) / len(scratch)
        apart = min(pre) > max(scratch) or max(pre) < min(scratch)
        widest = max(max(pre) - min(pre), max(scratch) - min(scratch))
        seeds = min(len(pre), len(scratch)) > 1
        out.append(dict(backbone=backbone, task=task, metric=metric, delta=round(delta, 2),
                        scratch=scratch, pretrained=pre, beyond_spread=apart,
                        widest_range=round(widest, 2),
                        stands_out=seeds and abs(delta) > 2 * widest))
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
                  'spread? | larger seed range | more than twice it? |',
                  '| --- | --- | --- | --- | --- | --- | --- |']
        for e in found:
            seeds = min(len(e['scratch']), len(e['pretrained'])) > 1
            apart = ('yes' if e['beyond_spread'] else 'no (ranges overlap)' if seeds
                     else 'one seed: cannot tell')
            twice = ('yes' if e['stands_out'] else 'no') if seeds else '-'
            lines.append(f'| {e["backbone"]} | {e["task"]} | {e["metric"]} | '
                         f'{e["delta"]:+.1f} | {apart} | {e["widest_range"]:.1f} | {twice} |')
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


def write_results(results: dict[Run, dict], root: str, *, title: str, paper: bool = False,
                  note: str = '') -> str:
    """results.json, results.md and results.png in `root`; returns results.md's text: `note`
    (where and how the runs ran) above the Markdown table."""
    table = rows(results)
    save_json(table, osp.join(root, 'results.json'))
    text = (note.strip() + '\n\n' if note else '') + markdown(results, paper=paper)
    save_text(text, osp.join(root, 'results.md'))
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
