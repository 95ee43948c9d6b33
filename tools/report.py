"""Collect results from work dirs into the paper's table layout, beside the paper's numbers.

    python tools/report.py work_dirs/* [--no-flops] [--out report.md] [--plot curves.png]

For each work dir: the config MMEngine saved there; its results, said in the `results`
column: the latest tools/test.py result (else the latest validation logged in training) and
the latest `tools/test.py --tta` result (the paper's multi-scale mIoU, "mIoU ms"); and the
model's parameters and FLOPs (backbones/evaluation/flops.py, at the paper's input size). The paper's
figure stands in brackets beside each (for ConvNeXt V2's rows, the V2 paper's; DINOv3's have
none). `--plot` draws every run's loss and metric curves.
Rows come in the paper's order: by task, then size group (T, S, B,
IN-22K), each ConvNeXt row after the row it is compared with. A second table gives the
paper's comparisons: its delta beside the measured one where both runs exist. Prints
Markdown; `--out` also writes it to a file. Where two work dirs hold one config, each row's
config cell names its work dir (the shortest tail of its path that tells them apart).
"""
import _tool  # noqa: F401, I001  (first: hides third-party deprecation warnings)
import argparse
import os.path as osp
import sys
from glob import glob

from mmengine.config import Config

from backbones.engine.config import build_model
from backbones.evaluation.flops import count
from backbones.evaluation.paper import GROUPS, PAPER, SUCCESSORS, comparison_markdown, paper_shape
from backbones.evaluation.results import METRICS, plot, run_results

COLUMNS = ['box AP', 'mask AP', 'mIoU', 'mIoU ms', 'params (M)', 'GFLOPs']
PAPER_KEYS = ['box_ap', 'mask_ap', 'miou', 'miou_ms', 'params_m', 'gflops']


def describe(cfg: Config) -> tuple[str, str]:
    bb = cfg.model.backbone
    name = bb.type.split('.')[-1]
    detail = bb.get('arch') or bb.get('depth') or bb.get('step') or ''
    method = {'EncoderDecoder': 'UperNet', 'CascadeRCNN': 'Cascade Mask R-CNN',
              'MaskRCNN': 'Mask R-CNN', 'ImageClassifier': 'ImageNet trunk'}
    kind = cfg.model.type.split('.')[-1]  # backbones.MaskRCNN is mmdet's MaskRCNN
    return f'{name}-{detail}'.rstrip('-'), method.get(kind, kind)


def short_names(paths: list[str]) -> list[str]:
    """For each path, its shortest tail of folders that no other path ends with."""
    parts = [osp.normpath(osp.abspath(p)).split(osp.sep) for p in paths]
    names = []
    for mine in parts:
        for n in range(1, len(mine) + 1):
            if all(other[-n:] != mine[-n:] for other in parts if other is not mine):
                break
        names.append('/'.join(mine[-n:]))
    return names


def row(work_dir: str, flops: bool) -> tuple[list[str], str, dict]:
    """(table cells, config stem, measured metrics in percent)"""
    configs = sorted(glob(osp.join(work_dir, '*.py')))
    if not configs:
        raise FileNotFoundError(f'{work_dir}: no config saved there (is it a work dir of '
                                'tools/train.py or tools/test.py?)')
    stem = osp.splitext(osp.basename(configs[0]))[0]
    cfg = Config.fromfile(configs[0])
    if 'module' in cfg.model:  # saved by a --tta run: the model inside the TTA wrapper
        cfg.model = cfg.model.module
    backbone, method = describe(cfg)
    schedule = next((s for s in ('ms-crop-3x', '1x', '160k', 'demo') if s in stem), '')
    metrics, tta, source = run_results(work_dir)
    ours = [metrics.get(METRICS[c].log_key) for c in COLUMNS[:3]] + [tta.get('mIoU')]
    ours = [None if v is None else v * METRICS[c.removesuffix(' ms')].scale
            for c, v in zip(COLUMNS, ours)]
    paper = PAPER.get(stem) or SUCCESSORS.get(stem, {})  # the V2 paper's beside V2's rows
    shape = paper.get('shape') or paper_shape(cfg)
    if flops:
        print(f'counting the FLOPs of {stem} at {shape[0]}x{shape[1]} ...', file=sys.stderr,
              flush=True)
        size = count(cfg, *shape)
    else:
        size = dict(params_m=sum(p.numel() for p in build_model(cfg).parameters()) / 1e6,
                    gflops=None)
    ours += [size['params_m'], size['gflops']]
    cells = [f'{v:.1f}' if v is not None else '-' for v in ours]
    theirs = [f'{paper[k]}' if paper.get(k) is not None else '-' for k in PAPER_KEYS]
    measured = {c: v for c, v in zip(COLUMNS[:4], ours) if v is not None}
    return ([backbone, method, schedule] + [f'{o} ({t})' for o, t in zip(cells, theirs)]
            + [source, stem], stem, measured)


def paper_order(stem: str) -> tuple:
    """Task, size group, then the paper's row order (the compared row before ConvNeXt's)."""
    if stem not in PAPER:
        return (2, 0, 0, stem)
    r = PAPER[stem]
    return (r['task'] != 'detection', GROUPS.index(r['group']) if 'group' in r else 9,
            list(PAPER).index(stem), stem)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('work_dirs', nargs='+')
    parser.add_argument('--no-flops', action='store_true', help='skip the FLOP count (slow)')
    parser.add_argument('--out', help='also write the table to this Markdown file')
    parser.add_argument('--plot', metavar='PNG', help='draw the runs\' loss and metric curves')
    args = parser.parse_args()
    header = ['backbone', 'method', 'schedule'] + [f'{c} ours (paper)' for c in COLUMNS]
    lines = ['| ' + ' | '.join(header + ['results', 'config']) + ' |',
             '|' + ' --- |' * (len(header) + 2)]
    results = []
    for i, work_dir in enumerate(args.work_dirs, 1):
        print(f'[{i}/{len(args.work_dirs)}] {work_dir}', file=sys.stderr, flush=True)
        results.append(row(work_dir, not args.no_flops))
    # Two runs of one config: the config cell also names each one's work dir.
    stems = [stem for _, stem, _ in results]
    shared = [i for i, stem in enumerate(stems) if stems.count(stem) > 1]
    for i, name in zip(shared, short_names([args.work_dirs[i] for i in shared])):
        results[i][0][-1] += f' ({name})'
    results.sort(key=lambda r: paper_order(r[1]))
    lines += ['| ' + ' | '.join(cells) + ' |' for cells, _, _ in results]
    text = '\n'.join(lines) + '\n'
    measured = {stem: m for _, stem, m in results}
    if any(PAPER.get(s, {}).get('vs') in measured for s in measured):
        text += '\nThe paper\'s comparisons (rows measured here):\n\n' + comparison_markdown(
            {s: m for s, m in measured.items() if s in PAPER})
    print(text, end='')
    if args.out:
        with open(args.out, 'w') as f:
            f.write(text)
    if args.plot:
        plot(args.work_dirs, args.plot)
        print(f'curves: {args.plot}', file=sys.stderr)


if __name__ == '__main__':
    main()
