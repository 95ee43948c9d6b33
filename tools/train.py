"""Train a detector or segmentor from a config: argparse -> Config -> MMEngine Runner.

    python tools/train.py configs/mask_rcnn/mask-rcnn_convnext-t_fpn_ms-crop-3x_coco.py
    torchrun --nproc_per_node 2 tools/train.py CONFIG --launcher pytorch
"""
import _tool  # noqa: F401, I001  (first: hides third-party deprecation warnings)
import argparse
import os.path as osp

import torch

from _tool import config_from_args, tool_parser
from backbones.engine.runner import Runner, compile_targets


def parser() -> argparse.ArgumentParser:
    parser = tool_parser('Train a model from a config')
    parser.add_argument('--resume', nargs='?', const='auto', metavar='CHECKPOINT',
                        help='resume from CHECKPOINT (a file or URL), or from the latest in '
                        'the work dir')
    parser.add_argument('--amp', action='store_true', help='mixed precision (CUDA only)')
    parser.add_argument('--auto-scale-lr', action='store_true',
                        help="scale the lr by the real batch (processes x batch_size) over the "
                        "config's auto_scale_lr.base_batch_size, as mmdet's train.py does")
    parser.add_argument('--channels-last', action='store_true',
                        help="the backbone's weights in channels_last (its outputs stay NCHW)")
    parser.add_argument('--compile', action='store_true',
                        help='torch.compile the backbone and neck (detectors) or decode head '
                        '(segmentors); the first iterations are slow while it compiles')
    return parser


def main() -> None:
    args = (p := parser()).parse_args()
    cfg = config_from_args(args)
    if args.amp:
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    if args.auto_scale_lr:
        if not (cfg.get('auto_scale_lr') or {}).get('base_batch_size'):
            p.error(f'--auto-scale-lr: {args.config} has no auto_scale_lr.base_batch_size; '
                    'write auto_scale_lr = dict(base_batch_size=N), N the total batch its lr '
                    'was set for')
        cfg.auto_scale_lr.enable = True  # MMEngine's Runner scales every param group's lr
    cfg.channels_last = args.channels_last or cfg.get('channels_last', False)
    if args.compile:
        cfg.compile_modules = compile_targets(cfg.model)
    if args.resume == 'auto' and not osp.isfile(osp.join(cfg.work_dir, 'last_checkpoint')):
        p.error(f'--resume: nothing to resume in {cfg.work_dir} (no last_checkpoint there); '
                'leave out --resume to train from scratch, or give a checkpoint: --resume CKPT')
    if args.resume:
        cfg.resume = True
        cfg.load_from = None if args.resume == 'auto' else args.resume
    Runner.from_cfg(cfg).train()  # (from_cfg prepares the config: backbones.engine.config)
    if torch.distributed.is_initialized():  # every rank leaves cleanly (gloo's threads
        torch.distributed.destroy_process_group()  # abort the process at exit otherwise)


if __name__ == '__main__':
    main()
