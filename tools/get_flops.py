"""Parameters and FLOPs of a config's whole model, counted as the papers count them
(multiply-adds, fvcore-style; see backbones/evaluation/flops.py for what runs).

    python tools/get_flops.py CONFIG [--shape H W] [--json] [--cfg-options k=v ...]
    python tools/get_flops.py --paper [STEM ...]   # every row of backbones/evaluation/paper.py (or
                                                   # those named) against its figures; exit 1
                                                   # if one is off by more than 2%

Default shapes are the papers': 224x224 for ImageNet trunks, 800x1280 for detectors,
512x2048 for segmentors.
"""
import _tool  # noqa: F401, I001  (first: hides third-party deprecation warnings)
import argparse
import contextlib
import json
import os.path as osp
import sys
import time

from mmengine.config import Config, DictAction

from backbones.evaluation.flops import count
from backbones.evaluation.paper import PAPER, paper_shape


def _ours_paper(got: dict, row: dict) -> str:
    """'28.6 M (paper 28.6), 4.5 GFLOPs (paper 4.5)'"""
    def fmt(v):
        return '-' if v is None else f'{v:.1f}' if v < 100 else f'{v:.0f}'
    return (f'{fmt(got["params_m"])} M (paper {fmt(row["params_m"])}), '
            f'{fmt(got["gflops"])} GFLOPs (paper {fmt(row["gflops"])})')


def check_paper(stems: list[str]) -> None:
    """Count each row's config at the paper's input size; print ours / the paper's."""
    from pathlib import Path
    unknown = [s for s in stems if s not in PAPER]
    if unknown:
        sys.exit(f'--paper: no row named {", ".join(unknown)} in backbones/evaluation/paper.py; '
                 f'rows: {", ".join(PAPER)}')
    bad, stems, start = [], stems or list(PAPER), time.time()
    for i, stem in enumerate(stems, 1):
        row = PAPER[stem]
        path = next(Path(__file__).resolve().parents[1].glob(f'configs/*/{stem}.py'))
        print(f'[{i}/{len(stems)}] counting {stem} ...', file=sys.stderr, flush=True)
        cfg = Config.fromfile(path)
        with contextlib.redirect_stdout(sys.stderr):
            got = count(cfg, *row['shape'])
        ratios = [got[k] / row[k] for k in ('params_m', 'gflops') if row[k] is not None]
        ok = all(abs(r - 1) <= 0.02 for r in ratios)
        bad += [] if ok else [stem]
        print(f'{"ok " if ok else "OFF"} {stem}: {_ours_paper(got, row)} at {row["shape"][0]}x'
              f'{row["shape"][1]} ({time.time() - start:.0f} s)', flush=True)
    if bad:
        sys.exit(f'{len(bad)} rows off by more than 2%: {", ".join(bad)}')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', nargs='?', help='a config (or, with --paper, row names)')
    parser.add_argument('--paper', nargs='*', metavar='STEM',
                        help='check the rows of backbones/evaluation/paper.py (all, or those named)')
    parser.add_argument('--shape', nargs=2, type=int, metavar=('H', 'W'),
                        help='input height and width (default: the paper\'s for the task)')
    parser.add_argument('--json', action='store_true',
                        help='print one JSON object with params_m and gflops')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default={})
    args = parser.parse_args()
    if args.paper is not None:
        return check_paper(args.paper + ([args.config] if args.config else []))
    if not args.config:
        parser.error('give a config, or --paper')
    cfg = Config.fromfile(args.config)
    cfg.merge_from_dict(args.cfg_options)
    height, width = args.shape or paper_shape(cfg)
    with contextlib.redirect_stdout(sys.stderr if args.json else sys.stdout):  # logs stay off
        result = count(cfg, height, width)
    if args.json:
        print(json.dumps(dict(result, shape=[height, width])))
    else:
        print(f'{args.config}\n  input {height}x{width}: {result["params_m"]:.2f} M params, '
              f'{result["gflops"]:.1f} GFLOPs (multiply-adds)')
        row = PAPER.get(osp.splitext(osp.basename(args.config))[0])
        if row:  # a paper row: its figures beside ours, at its input size
            same = tuple(row['shape']) == (height, width)
            print(f'  paper ({row["source"]}, {row["backbone"]}): {row["params_m"]} M params, '
                  f'{row["gflops"]} GFLOPs at {row["shape"][0]}x{row["shape"][1]}'
                  + ('' if same else ' (another input size than counted here)'))


if __name__ == '__main__':
    main()
