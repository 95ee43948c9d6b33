"""Evaluate a checkpoint: COCO box/mask AP for detectors, mIoU/mAcc/aAcc for segmentors.

    python tools/test.py CONFIG CHECKPOINT [--tta] [--show-dir DIR] [--out FILE.pkl]
                         [--work-dir DIR] [--tensorboard] [--cfg-options ...]

The metrics are logged and written to work_dir/<timestamp>/test_result.json (with the
checkpoint and whether --tta was on), where tools/report.py finds them. --out writes every
prediction to a pickle as mmdet's test.py does (what its analysis tools read).
"""
import _tool  # noqa: F401, I001  (first: hides third-party deprecation warnings)
from _tool import config_from_args, tool_parser
from backbones.engine.config import use_tta
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
    parser.add_argument('--show-score-thr', type=float, default=0.3, metavar='SCORE',
                        help='--show-dir: detections drawn from this score (default 0.3)')
    parser.add_argument('--out', metavar='FILE.pkl',
                        help="every prediction in a pickle file (mmdet's test.py --out format)")
    args = parser.parse_args()
    if args.out and not args.out.endswith(('.pkl', '.pickle')):
        parser.error(f'--out {args.out}: the predictions file must end in .pkl or .pickle')
    cfg = config_from_args(args)
    if args.show_dir:
        cfg.custom_hooks = [*cfg.get('custom_hooks', []), dict(
            type='backbones.ShowPredictionsHook', out_dir=args.show_dir,
            score_thr=args.show_score_thr)]
    if args.out:
        metrics = cfg.test_evaluator
        dump = dict(type='mmdet.DumpDetResults' if cfg.get('default_scope') == 'mmdet'
                    else 'DumpResults', out_file_path=args.out)
        cfg.test_evaluator = [*(metrics if isinstance(metrics, list) else [metrics]), dump]
    cfg.load_from = args.checkpoint
    Runner.from_cfg(use_tta(cfg, args.config) if args.tta else cfg).test()


if __name__ == '__main__':
    main()
