"""tools/infer.py on the paper's configs, with foreign backbones (mmdet's Swin, timm's
ConvNeXt) and a classifier: each builds, loads a checkpoint of its own model, draws the image
and writes its predictions. (The drawings' content is tested on trained demo models in
test_detection_train.py and test_segmentation_train.py.)"""
import json
from pathlib import Path

import mmcv
import numpy as np
import pytest
import torch
from mmengine.config import Config

from backbones.engine.config import build_model
from forked import run_tool

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize('config', ['mask_rcnn/mask-rcnn_swin-t_fpn_1x_coco',
                                    'upernet/upernet_timm-convnext-t_160k_ade20k-512x512',
                                    'imagenet/convnext-t_in1k-224'])
def test_infer_runs_on_the_papers_configs(config, tmp_path):
    cfg = Config.fromfile(ROOT / f'configs/{config}.py')
    torch.save({'state_dict': build_model(cfg).state_dict()}, tmp_path / 'model.pth')
    image = np.random.default_rng(0).integers(0, 255, (96, 128, 3), dtype=np.uint8)
    mmcv.imwrite(image, str(tmp_path / 'images' / 'a.jpg'))
    # random weights score every class about equally low: a detector lists its boxes from
    # score 0 (mmdet's own 0.05 floor off) so that the JSON holds detections to check
    every_box = (['--score-thr', '0', '--cfg-options', 'model.test_cfg.rcnn.score_thr=0']
                 if config.startswith('mask_rcnn') else [])
    run = run_tool('tools/infer.py', ROOT / f'configs/{config}.py', tmp_path / 'model.pth',
                   tmp_path / 'images', '--out', tmp_path / 'out', '--device', 'cpu', *every_box)
    assert run.returncode == 0, run.stderr[-3000:]
    drawn = mmcv.imread(tmp_path / 'out' / 'a.png')
    assert drawn.shape == (96 * 4, 128 * 4, 3)  # small images are drawn enlarged
    found = json.loads((tmp_path / 'out' / 'a.json').read_text())
    if config.startswith('imagenet'):  # the top 5 of ImageNet's 1000 classes
        assert len(found) == 5 and all(0 <= d['score'] <= 1 for d in found)
    elif config.startswith('upernet'):  # a share of the pixels per ADE20K class
        assert abs(sum(found.values()) - 1) < 1e-3
    else:  # each detection: a COCO class, its score, a box inside the image (x1 y1 x2 y2)
        from mmdet.datasets import CocoDataset
        assert len(found) == 100, len(found)  # mmdet's max_per_img
        for d in found:
            assert d['label'] in CocoDataset.METAINFO['classes'], d
            x1, y1, x2, y2 = d['bbox']
            assert 0 <= d['score'] <= 1 and 0 <= x1 <= x2 <= 128 and 0 <= y1 <= y2 <= 96, d
