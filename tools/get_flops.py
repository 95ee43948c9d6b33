"""Parameters and FLOPs of a config's whole model, counted as the papers count them
(multiply-adds, fvcore-style; see backbones/flops.py for what runs).

    python tools/get_flops.py CONFIG [--shape H W] [--json] [--cfg-options k=v ...]
    python tools/get_flops.py --paper [STEM ...]   # every row of backbones/paper.py (or
                                                   # those named) against its figures; exit 1
                                                   # if one is off by more than 2%

Default shapes are the papers': 224x224 for ImageNet trunks, 800x1280 for detectors,
512x2048 for segmentors.
"""
import _quiet  # noqa: F401, I001  (first: hides third-party deprecation warnings)
import argparse
import contextlib
import json
import sys

from mmengine.config import Config, DictAction

from backbones.flops import count
from backbones.paper import PAPER, paper_shape


def check_paper(stems: list[str]) -> None:
    """Count each row's config at the paper's input size; print ours / the paper's."""
    from pathlib import Path
    unknown = [s for s in stems if s not in PAPER]
    if unknown:
        sys.exit(f'--paper: no row named {", ".join(unknown)} in backbones/paper.py; '
                 f'rows: {", ".join(PAPER)}')
    bad = []
    for stem in stems or list(PAPER):
        row = PAPER[stem]
        path = next(Path(__file__).resolve().parents[1].glob(f'configs/*/{stem}.py'))
        cfg = Config.fromfile(path)
        cfg.model.get('backbone', {}).pop('init_cfg', None)
        with contextlib.redirect_stdout(sys.stderr):
            got = count(cfg, *row['shape'])
        ratios = [got[k] / row[k] for k in ('params_m', 'gflops') if row[k] is not None]
        ok = all(abs(r - 1) <= 0.02 for r in ratios)
        bad += [] if ok else [stem]
        print(f'{"ok " if ok else "OFF"} {stem}: {got["params_m"]:.1f} M ({row["params_m"]}), '
              f'{got["gflops"]:.0f} GFLOPs ({row["gflops"]}) at {row["shape"][0]}x'
              f'{row["shape"][1]}', flush=True)
    if bad:
        sys.exit(f'{len(bad)} rows off by more than 2%: {", ".join(bad)}')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', nargs='?', help='a config (or, with --paper, row names)')
    parser.add_argument('--paper', nargs='*', metavar='STEM',
                        help='check the rows of backbones/paper.py (all, or those named)')
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


if __name__ == '__main__':
    main()
