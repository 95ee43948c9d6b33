"""Parameters and FLOPs of a config's whole model, counted as the papers count them
(multiply-adds, fvcore-style; see backbones/flops.py for what runs).

    python tools/get_flops.py CONFIG [--shape H W] [--json] [--cfg-options k=v ...]

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
from backbones.paper import paper_shape


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument('--shape', nargs=2, type=int, metavar=('H', 'W'),
                        help='input height and width (default: the paper\'s for the task)')
    parser.add_argument('--json', action='store_true',
                        help='print one JSON object with params_m and gflops')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default={})
    args = parser.parse_args()
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
