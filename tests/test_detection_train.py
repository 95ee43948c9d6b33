"""Training the demo detector on the CPU: the loss falls, AP rises well above chance, the
checkpoint evaluates through tools/test.py, and torchrun runs two CPU processes."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from mmengine.config import Config
from mmengine.runner import Runner

from backbones.config import prepare
from backbones.demo_data import make_coco_shapes

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / 'configs/demo/mask-rcnn_convnext-t_fpn_demo-shapes.py'
ITERS = int(os.environ.get('DEMO_TEST_ITERS', 300))
# Chance: random boxes on these images score box mAP ~0.001 (a model before training, 0.000).
BOX_MAP_MIN = 0.10


def _cfg(data_root: Path, work_dir: Path, **options) -> Config:
    cfg = Config.fromfile(DEMO)
    root = str(data_root) + '/'
    cfg.merge_from_dict({
        'work_dir': str(work_dir),
        'train_dataloader.dataset.data_root': root, 'val_dataloader.dataset.data_root': root,
        'test_dataloader.dataset.data_root': root,
        'val_evaluator.ann_file': root + 'annotations/instances_val.json',
        'test_evaluator.ann_file': root + 'annotations/instances_val.json', **options})
    return cfg


@pytest.fixture(scope='module')
def data_root(tmp_path_factory):
    return make_coco_shapes(tmp_path_factory.mktemp('demo_shapes'))


@pytest.fixture(scope='module')
def trained(data_root, tmp_path_factory):
    work_dir = tmp_path_factory.mktemp('demo_run')
    cfg = _cfg(data_root, work_dir, **{'train_cfg.max_iters': ITERS,
                                       'train_cfg.val_interval': ITERS,
                                       'default_hooks.checkpoint.interval': ITERS})
    runner = Runner.from_cfg(prepare(cfg))
    runner.train()
    return work_dir, runner.test(), cfg


def test_loss_falls_and_map_well_above_chance(trained):
    work_dir, metrics, _ = trained
    scalars = [json.loads(line) for line in
               next(work_dir.glob('*/vis_data/scalars.json')).read_text().splitlines()]
    losses = [s['loss'] for s in scalars if 'loss' in s]
    assert len(losses) >= 10
    first, last = sum(losses[:3]) / 3, sum(losses[-3:]) / 3
    assert last < 0.6 * first, (first, last)
    assert metrics['coco/bbox_mAP'] >= BOX_MAP_MIN, metrics
    assert metrics['coco/segm_mAP'] > 0.02, metrics


def test_tools_test_reads_own_checkpoint_weights_only(trained, tmp_path):
    work_dir, metrics, cfg = trained
    cfg.dump(tmp_path / 'demo.py')
    ckpt = work_dir / f'iter_{ITERS}.pth'
    run = subprocess.run([sys.executable, 'tools/test.py', str(tmp_path / 'demo.py'), str(ckpt),
                          '--work-dir', str(tmp_path / 'eval')], cwd=ROOT, capture_output=True,
                         text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    want = f"coco/bbox_mAP: {metrics['coco/bbox_mAP']:.4f}"
    assert want in run.stdout + run.stderr


def test_torchrun_two_cpu_processes(data_root, tmp_path):
    cfg = _cfg(data_root, tmp_path / 'dist', **{'train_cfg.max_iters': 4,
                                                'train_cfg.val_interval': 100,
                                                'default_hooks.checkpoint.interval': 4,
                                                'default_hooks.logger.interval': 1})
    cfg.dump(tmp_path / 'demo.py')
    run = subprocess.run(
        [sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node', '2',
         '--master_port', '29517', 'tools/train.py', str(tmp_path / 'demo.py'),
         '--launcher', 'pytorch'], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    log = run.stdout + run.stderr
    assert "'backend': 'gloo'" in log or 'backend: gloo' in log or 'gloo' in log
    assert 'Distributed training: True' in log
    assert (tmp_path / 'dist' / 'iter_4.pth').is_file()
