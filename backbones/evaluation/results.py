"""What a work dir holds of a run's results, for tools/report.py: evaluations logged during
training (MMEngine's vis_data/scalars.json), tools/test.py results (our Runner writes
<timestamp>/test_result.json, single-scale or --tta), and the curves of loss and metric.
"""
from __future__ import annotations

import json
import os.path as osp
from glob import glob
from typing import NamedTuple


class Metric(NamedTuple):
    log_key: str  # its key in MMEngine's logs and in runner.test()'s result
    scale: float  # to percent
    paper_key: str | None  # its field in backbones.evaluation.paper's rows


# The one table of the metrics the toolkit reports, by the name tables and figures give them.
METRICS = {'box AP': Metric('coco/bbox_mAP', 100, 'box_ap'),
           'mask AP': Metric('coco/segm_mAP', 100, 'mask_ap'),
           'mIoU': Metric('mIoU', 1, 'miou'),
           'top-1': Metric('cls/top1', 1, None)}
TASK_METRICS = {'detection': ('box AP', 'mask AP'), 'segmentation': ('mIoU',),
                'pretraining': ('top-1',)}
EVAL_KEYS = tuple(m.log_key for m in METRICS.values())
# The metric a curve shows per task (the first of each task's).
CURVE_METRIC = tuple((METRICS[n].log_key, n, METRICS[n].scale) for n in ('box AP', 'mIoU', 'top-1'))


def logged(work_dir: str, name: str = '*.json', *, since: float | None = None):
    """Every record MMEngine logged in the work dir's runs (<run>/vis_data/<name>, one JSON
    object a line), oldest run first; a line still being written (a running job's) is skipped.
    `since` (a time.time()): only the files written since, not an earlier run's."""
    for path in sorted(glob(osp.join(work_dir, '*', 'vis_data', name))):
        if since is not None and osp.getmtime(path) < since:
            continue
        with open(path) as f:
            for line in f:
                try:
                    yield json.loads(line)
                except json.JSONDecodeError:
                    continue


def latest_metrics(work_dir: str) -> dict:
    """The last logged record holding an evaluation metric, from every run in the work dir
    (training's validations and tools/test.py's), or {}."""
    return next((r for r in reversed(list(logged(work_dir)))
                 if any(key in r for key in EVAL_KEYS)), {})


def test_results(work_dir: str) -> list[dict]:
    """tools/test.py's results in the work dir, oldest first, each with its run folder."""
    out = []
    for path in sorted(glob(osp.join(work_dir, '*', 'test_result.json'))):
        with open(path) as f:
            out.append(dict(json.load(f), run=osp.basename(osp.dirname(path))))
    return out


def run_results(work_dir: str) -> tuple[dict, dict, str]:
    """(single-scale metrics, test-time-augmentation metrics, where they come from): the
    latest single-scale tools/test.py result, else the latest validation logged in training;
    and the latest --tta result ({} if none)."""
    tests = test_results(work_dir)
    single = [t for t in tests if not t['tta']]
    tta = [t for t in tests if t['tta']]
    if single:
        metrics, source = single[-1]['metrics'], f'test {single[-1]["run"]}'
    else:
        metrics = latest_metrics(work_dir)
        source = f'val @ {metrics["step"]}' if 'step' in metrics else 'none'
    if tta:
        source += f', --tta {tta[-1]["run"]}'
    return metrics, (tta[-1]['metrics'] if tta else {}), source


def curves(work_dir: str) -> tuple[list[tuple[int, float]], list[tuple[int, float]], str]:
    """(loss by iteration, metric by iteration, the metric's name) from every training run
    in the work dir, in run order (a resumed run continues the curve). Epoch-based runs log
    their metrics by epoch: each is placed at its epoch's last logged iteration."""
    loss, evals, name, epoch_end = [], [], '', {}
    for record in logged(work_dir, 'scalars.json'):
        if 'loss' in record:
            loss.append((record['step'], record['loss']))
            if 'epoch' in record:
                epoch_end[record['epoch']] = record['step']
        elif any(k in record for k in EVAL_KEYS):
            key, name, scale = next(m for m in CURVE_METRIC if m[0] in record)
            evals.append((record['step'], scale * record[key]))
    metric = [(epoch_end.get(step, step) if epoch_end else step, v) for step, v in evals]
    return loss, metric, name


def plot(work_dirs: list[str], out_file: str) -> None:
    """One PNG: the training loss (left, log scale) and the evaluation metric (right) of
    every run, by iteration, one colour per work dir."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    names = set()
    for work_dir in work_dirs:
        loss, metric, name = curves(work_dir)
        label = osp.basename(osp.normpath(work_dir))
        if loss:
            left.plot(*zip(*loss), label=label)
        if metric:
            right.plot(*zip(*metric), marker='o', label=f'{label} ({name})')
            names.add(name)
    left.set(xlabel='iteration', ylabel='training loss', yscale='log', title='loss')
    right.set(xlabel='iteration', ylabel=' / '.join(sorted(names)) or 'metric',
              title='evaluation during training')
    for ax in (left, right):
        ax.grid(alpha=0.3)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out_file, dpi=100)
    plt.close(fig)
