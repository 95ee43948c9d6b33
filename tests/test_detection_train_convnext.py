"""ConvNeXt-T's demo detector learns on the CPU (its own module: under pytest-xdist it runs
beside tests/test_detection_train.py's ResNet-50 run, not after it)."""
import pytest

from backbones.engine.config import prepare
from backbones.engine.runner import Runner
from backbones.data.demo import make_coco_shapes
from test_detection_train import (CONVNEXT_BOX_MAP_MIN, CONVNEXT_MASK_MAP_MIN, DEMO_CONVNEXT,
                                  ITERS, LOSS_FALL, NO_FINAL_VAL, _cfg, _losses)


@pytest.fixture(scope='module')
def data_root(tmp_path_factory):
    return make_coco_shapes(tmp_path_factory.mktemp('demo_shapes'))


@pytest.mark.slow(seconds=150, reason='ConvNeXt-T detector trained 120 iterations: its AP, above '
                  'the layout bug\'s, is the figure checked')
def test_convnext_demo_learns_the_task(data_root, tmp_path):
    """ConvNeXt-T from scratch, the demo's 120 iterations: well above the layout bug's figure.
    (With channels_last-strided outputs, mmcv's RoIAlign scrambled the RoI features and this
    detector stayed at box AP ~0.01 while its RPN loss still fell.)"""
    cfg = _cfg(data_root, tmp_path, DEMO_CONVNEXT, **{
        'train_cfg.max_iters': ITERS, 'train_cfg.val_interval': ITERS, **NO_FINAL_VAL,
        'default_hooks.checkpoint.interval': ITERS})
    runner = Runner.from_cfg(prepare(cfg))
    runner.train()
    metrics = runner.test()
    losses = _losses(tmp_path)
    assert sum(losses[-3:]) < LOSS_FALL * sum(losses[:3]), losses
    assert metrics['coco/bbox_mAP'] >= CONVNEXT_BOX_MAP_MIN, metrics
    assert metrics['coco/segm_mAP'] >= CONVNEXT_MASK_MAP_MIN, metrics
