"""The paper's experiment: pretrain, export as released, fine-tune from it and from scratch.

    python tools/study.py                 # the demo scale (make demo), the chain on 2 seeds
    python tools/study.py --seeds 0 1 2   # more seeds (the table: mean and range)
    python tools/study.py --redo          # run everything again instead of reusing runs
    python tools/study.py --data          # only write the demo data sets (under data/)
    python tools/study.py --scale paper   # print the cluster commands of the paper's scale
    python tools/study.py --scale paper --collect [--out DIR]   # their work dirs -> table

Demo: writes the demo data sets if missing, pretrains ConvNeXt-T's and ResNet-50's ImageNet
classifiers on the demo classification set, exports each as its official release file,
fine-tunes Mask R-CNN and UperNet from it and from scratch, and writes results.json,
results.md and results.png to work_dirs/study (prediction pictures in each run's work dir).
Paper: the same eight fine-tuning runs on COCO / ADE20K from the official weights
(`--pretrained ConvNeXt-T=FILE_OR_URL` for others), with the paper's figures beside.
"""
import _tool  # noqa: F401, I001  (first: hides third-party deprecation warnings)
import argparse
import shlex
import time
import os.path as osp

from backbones.engine.precision import machine_summary
from backbones.experiments import plan, runs, tables
from backbones.data.demo import make_ade_shapes, make_cls_shapes, make_coco_shapes, outdated

DEMO_DATA = (('data/demo_cls_shapes', make_cls_shapes), ('data/demo_shapes', make_coco_shapes),
             ('data/demo_ade_shapes', make_ade_shapes))


def _by_precision(demo_runs: list) -> dict[str, list[str]]:
    """{precision the run trains in here: the names of its runs} (one config read a run)."""
    groups: dict[str, list[str]] = {}
    for run in demo_runs:
        groups.setdefault(plan.precision_of(run), []).append(run.name)
    return groups


def _precisions(groups: dict[str, list[str]]) -> str:
    """'bfloat16 autocast: a, b; float32: the other 18 runs' (the smaller groups by name)."""
    *named, (last, names) = sorted(groups.items(), key=lambda kv: len(kv[1]))
    return '; '.join([f'{p}: {", ".join(n)}' for p, n in named]
                     + [f'{last}: {"the other" if named else "all"} {len(names)} runs'])


def demo(args) -> None:
    start = time.time()
    for root, make in DEMO_DATA:  # every set there first: refuse before writing any
        why = osp.isdir(root) and outdated(root, make.__name__)
        if why:
            raise SystemExit(f'[study] {root} was written by another version of the demo: '
                             f'{why}. Delete {root} and run again to write it anew.')
    for root, make in DEMO_DATA:
        if not osp.isdir(root):
            print(f'[study] writing the demo data set {root}', flush=True)
            make(root)
        elif args.data:
            print(f'[study] {root} is there already (delete it to write it again)', flush=True)
    if args.data:
        return
    demo_runs = plan.demo_plan(tuple(args.seeds))
    print(f'[study] machine: {machine_summary()}; {args.jobs} runs at a time', flush=True)
    precisions = _by_precision(demo_runs)
    for precision, names in sorted(precisions.items()):
        print(f'[study] {precision}: {len(names)} runs ({", ".join(names[:3])}'
              f'{", ..." if len(names) > 3 else ""})', flush=True)
    results = runs.schedule(demo_runs, args.out, jobs=args.jobs,
                            redo=args.redo, max_iters=args.max_iters)
    reused = sum(result.get('reused', False) for result in results.values())
    for run, result in results.items():
        if run.task == 'pretraining':
            print(f'[study] pretraining {run.backbone}: {tables.summary(run, result["metrics"])} '
                  f'(demo classification val), exported to {result["weights"]}')
    wall = runs.fmt(time.time() - start)
    command = 'python tools/study.py' + (f' --max-iters {args.max_iters}' if args.max_iters else '')
    note = (f'`{command}` on {time.strftime("%Y-%m-%d")}: {machine_summary()}, {args.jobs} runs '
            f'at a time; wall time {wall} ({len(demo_runs) - reused} runs, {reused} reused). '
            f'{_precisions(precisions)}. Each cell: the mean (range) of seeds '
            f'{", ".join(map(str, args.seeds))}; fine-tuning seed s starts from pretraining '
            'seed s.')
    print(tables.write_results(results, args.out, note=note, title='demo: fine-tuned from '
                               'scratch vs from demo-pretrained weights (same schedule and data; '
                               f'{len(args.seeds)} seed(s) a cell)'))
    print(f'[study] {args.out}/results.json, results.md, results.png; pictures: '
          f'{args.out}/<run>/prediction.png')
    print(f'[study] wall time {wall} on {machine_summary()}', flush=True)


def paper(args) -> None:
    pretrained = dict(kv.split('=', 1) for kv in args.pretrained)
    unknown = set(pretrained) - {'ConvNeXt-T', 'ResNet-50'}
    if unknown:
        raise SystemExit(f'--pretrained names {sorted(unknown)}; use ConvNeXt-T=... / ResNet-50=...')
    paper_runs = plan.paper_plan(pretrained)
    if not args.collect:
        try:
            commands = [plan.paper_command(run, args.out) for run in paper_runs]
        except ValueError as err:
            raise SystemExit(f'--pretrained: {err}') from None
        for command in commands:
            print(' '.join(map(shlex.quote, command)))
        print(f'# then: python tools/study.py --scale paper --collect --out {args.out}')
        return
    results = tables.collect(paper_runs, args.out)
    if results:
        print(tables.write_results(results, args.out, paper=True, title='paper scale: COCO 3x '
                                  '/ ADE20K 160k, scratch vs ImageNet-1K pretrained'))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--scale', choices=['demo', 'paper'], default='demo')
    parser.add_argument('--out', help='the study folder (default: work_dirs/study for the '
                        'demo, work_dirs/study_paper for the paper scale)')
    parser.add_argument('--jobs', type=int, default=2,
                        help='runs at a time, the cores shared between them (demo)')
    parser.add_argument('--redo', action='store_true', help='rerun finished runs too')
    parser.add_argument('--max-iters', type=int, help='shorten every run (a quick check)')
    parser.add_argument('--seeds', type=int, nargs='+', default=list(plan.SEEDS),
                        help='demo: the seeds of the chain: pretraining seed s, then every '
                        'fine-tuning cell with seed s from its weights (default: '
                        f'{" ".join(map(str, plan.SEEDS))}); the table shows their mean and range')
    parser.add_argument('--data', action='store_true',
                        help='demo: write the demo data sets (where missing) and stop')
    parser.add_argument('--collect', action='store_true', help='paper: read the work dirs')
    parser.add_argument('--pretrained', nargs='*', default=[], metavar='BACKBONE=CKPT',
                        help='paper: other pretrained weights than the configs\' official ones')
    args = parser.parse_args()
    args.out = args.out or ('work_dirs/study' if args.scale == 'demo' else 'work_dirs/study_paper')
    (demo if args.scale == 'demo' else paper)(args)


if __name__ == '__main__':
    main()
