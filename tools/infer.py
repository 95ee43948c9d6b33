"""Draw a trained model's predictions on images: detections with their masks, segmentation
maps, or a classifier's top classes (mmdet's / mmseg's visualizers).

    python tools/infer.py CONFIG CHECKPOINT IMAGE [IMAGE ...] [--out DIR] [--score-thr 0.3]
                          [--device cpu] [--cfg-options k=v ...]

IMAGE: a file, a folder (its images) or an http(s) URL. CHECKPOINT: a file or URL, ours or a
release loadable by tools/test.py. For each image, DIR/<name>.png is the drawing and
DIR/<name>.json the prediction (detections above --score-thr, a segmentation's pixel share
per class, or the top-5 classes). DIR defaults to work_dirs/infer/<config name>.
"""
import _tool  # noqa: F401, I001  (first: hides third-party deprecation warnings)
from _tool import read_config
import argparse
import os
import os.path as osp
import time

import mmcv
import torch
from mmengine.config import DictAction

from backbones.weights.io import read_checkpoint, save_json
from backbones.engine.config import build_model
from backbones.evaluation.pictures import SCORE_THR, dataset_meta, draw, image_files, predict, summary
from backbones.engine.runner import load_weights


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint', help='a file or an http(s) URL')
    parser.add_argument('images', nargs='+', help='image files, folders or http(s) URLs')
    parser.add_argument('--out', help='output folder (default: work_dirs/infer/<config name>)')
    parser.add_argument('--score-thr', type=float, default=SCORE_THR,
                        help=f'detections drawn and listed from this score (default {SCORE_THR})')
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default={})
    args = parser.parse_args()
    cfg = read_config(args.config, args.cfg_options)
    out = args.out or osp.join('work_dirs', 'infer', osp.splitext(osp.basename(args.config))[0])
    images = image_files(args.images, osp.join(out, 'inputs'))
    model = build_model(cfg)  # random weights, nothing fetched: every weight comes from CHECKPOINT
    # a classifier reads the file as a release: its class names come from a second read
    meta = dataset_meta(cfg, load_weights(model, args.checkpoint) or read_checkpoint(args.checkpoint))
    model.to(args.device)
    os.makedirs(out, exist_ok=True)
    start = time.time()
    for i, path in enumerate(images, 1):
        sample = predict(model, cfg, path)
        stem = osp.join(out, osp.splitext(osp.basename(path))[0])
        draw(cfg.get('default_scope'), meta, mmcv.imread(path, channel_order='rgb'), sample,
             stem + '.png', score_thr=args.score_thr)
        save_json(summary(sample, meta, args.score_thr), stem + '.json')
        print(f'[{i}/{len(images)}] {path} -> {stem}.png ({time.time() - start:.0f} s)', flush=True)


if __name__ == '__main__':
    main()
