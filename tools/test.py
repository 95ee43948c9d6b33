"""Evaluate a checkpoint: COCO box/mask AP for detectors, mIoU/mAcc/aAcc for segmentors.

    python tools/test.py CONFIG CHECKPOINT [--work-dir DIR] [--cfg-options ...]
"""
from mmengine.runner import Runner

from backbones.config import config_from_args, prepare, tool_parser


def main() -> None:
    parser = tool_parser('Evaluate a checkpoint')
    parser.add_argument('checkpoint', help='checkpoint file')
    args = parser.parse_args()
    cfg = config_from_args(args)
    cfg.load_from = args.checkpoint
    Runner.from_cfg(prepare(cfg)).test()


if __name__ == '__main__':
    main()
