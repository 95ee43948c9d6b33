"""Evaluate a checkpoint: COCO box/mask AP for detectors, mIoU/mAcc/aAcc for segmentors.

    python tools/test.py CONFIG CHECKPOINT [--tta] [--show-dir DIR] [--work-dir DIR]
                         [--tensorboard] [--cfg-options ...]

The metrics are logged and written to work_dir/<timestamp>/test_result.json (with the
checkpoint and whether --tta was on), where tools/report.py finds them.
"""
import _tool  # noqa: F401, I001  (first: hides third-party deprecation warnings)
from _tool import config_from_args, tool_parser
from backbones.engine.config import prepare, use_tta
from backbones.engine.runner import Runner


def main() -> None:
    parser = tool_parser('Evaluate a checkpoint')
    parser.add_argument('checkpoint', help='checkpoint: a file, an http(s) URL, or '
                        'torchvision:// / open-mmlab:// name (downloaded once into the hub cache)')
    parser.add_argument('--tta', action='store_true',
                        help='multi-scale + flip testing (the paper\'s multi-scale mIoU)')
    parser.add_argument('--show-dir', metavar='DIR',
                        help='draw the prediction of every evaluated image into DIR as '
                        '<image>.png (a relative DIR lies in work_dir/<timestamp>/, as with mmdet)')
    args = parser.parse_args()
    cfg = config_from_args(args)
    if args.show_dir:
        cfg.custom_hooks = [*cfg.get('custom_hooks', []),
                            dict(type='backbones.ShowPredictionsHook', out_dir=args.show_dir)]
    cfg.load_from = args.checkpoint
    cfg.load_parts = None  # evaluation: every tensor of the model comes from the file
    cfg = prepare(cfg)
    Runner.from_cfg(use_tta(cfg, args.config) if args.tta else cfg).test()


if __name__ == '__main__':
    main()
