"""tools/train.py --channels-last and --compile change how fast, not what is computed: the
demo ConvNeXt detector's losses with either option equal those without (CPU, fp32), and the
checkpoints keep the parameter names of an eager run."""
import json
from pathlib import Path

import pytest
import torch
from mmengine.config import Config

from backbones.data.demo import make_coco_shapes
from forked import run_tool

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / 'configs/demo/mask-rcnn_convnext-t_fpn_demo-shapes.py'
ITERS = 3


@pytest.fixture(scope='module')
def config(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('speed')
    root = str(make_coco_shapes(tmp / 'data')) + '/'
    cfg = Config.fromfile(DEMO)
    cfg.merge_from_dict({
        # Without drop path: its random draws would differ under compile.
        'model.backbone.drop_path_rate': 0.0,
        'train_dataloader.dataset.data_root': root, 'train_dataloader.batch_size': 2,
        'train_cfg.max_iters': ITERS, 'train_cfg.val_interval': 100,
        'default_hooks.checkpoint.interval': ITERS, 'default_hooks.logger.interval': 1,
        'randomness': dict(seed=0)})
    cfg.model.backbone.arch = dict(depths=[1, 1, 3, 1], channels=[32, 64, 128, 256])  # small
    cfg.val_dataloader = cfg.val_evaluator = cfg.val_cfg = None
    cfg.dump(tmp / 'demo.py')
    return tmp / 'demo.py'


def _train(config: Path, work_dir: Path, *options: str) -> tuple[list[dict], dict, str]:
    run = run_tool('tools/train.py', config, '--work-dir', work_dir, *options, timeout=1200)
    assert run.returncode == 0, run.stderr[-4000:]
    lines = next(work_dir.glob('*/vis_data/scalars.json')).read_text().splitlines()
    losses = [{k: v for k, v in json.loads(line).items() if k.startswith('loss')}
              for line in lines if '"loss"' in line]
    state = torch.load(work_dir / f'iter_{ITERS}.pth', weights_only=True)['state_dict']
    return losses, state, run.stdout + run.stderr


@pytest.fixture(scope='module')
def eager(config, tmp_path_factory):
    return _train(config, tmp_path_factory.mktemp('eager'))


@pytest.mark.slow(seconds=90, reason=(
    'tools/train.py in a subprocess per option; --compile compiles the detector first'))
@pytest.mark.parametrize('options', [('--channels-last',), ('--compile',)],
                         ids=['channels_last', 'compile'])
def test_same_losses_and_checkpoint_names(config, eager, tmp_path, options):
    want, want_state, _ = eager
    got, state, log = _train(config, tmp_path, *options)
    assert len(got) == len(want) == ITERS
    for step, (g, w) in enumerate(zip(got, want)):
        assert g.keys() == w.keys()
        for key in w:  # the first step to fp32 rounding; later ones after 1-2 updates
            assert g[key] == pytest.approx(w[key], rel=1e-4 if step == 0 else 1e-2,
                                           abs=1e-5), (step, key)
    assert state.keys() == want_state.keys()  # compiled in place: same names
    if '--compile' in options:
        assert 'torch.compile of backbone, neck' in log
