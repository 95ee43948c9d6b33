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


DEMO_OPTIMIZERS = ['convnext-t_demo-shapes-cls', 'r50_demo-shapes-cls',
                   'mask-rcnn_convnext-t_fpn_demo-shapes', 'mask-rcnn_r50_fpn_demo-shapes',
                   'upernet_convnext-t_demo-shapes', 'upernet_r50_demo-shapes']


@pytest.mark.parametrize('name', DEMO_OPTIMIZERS)
def test_demo_adamw_is_torch_fused_kernel_with_the_for_loop_update(name):
    """The demo's AdamW asks torch for its fused kernel (fused=True: one vectorised pass, 14 vs
    78 ms a ConvNeXt-T update on one core). What torch builds from the config, on the real
    model and param groups (layer decay included), is fused and updates every parameter as
    the for-loop AdamW on the same groups does."""
    from mmengine.optim import build_optim_wrapper
    from mmengine.registry import MODELS, init_default_scope
    cfg = Config.fromfile(ROOT / f'configs/demo/{name}.py')
    init_default_scope(cfg.get('default_scope', 'mmdet'))
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    fused = build_optim_wrapper(model, cfg.optim_wrapper).optimizer
    assert isinstance(fused, torch.optim.AdamW) and fused.defaults['fused'] is True
    params = [p for group in fused.param_groups for p in group['params']]
    for p in params:
        p.grad = torch.randn_like(p)
    start = [p.detach().clone() for p in params]

    def clone(p):
        q = p.detach().clone().requires_grad_()
        q.grad = p.grad.clone()
        return q
    loop = torch.optim.AdamW([dict(group, params=[clone(p) for p in group['params']],
                                   fused=False) for group in fused.param_groups])
    for _ in range(2):
        fused.step(), loop.step()
    want = [p for group in loop.param_groups for p in group['params']]
    assert len(want) == len(params)
    for p, w, s in zip(params, want, start):
        assert not torch.equal(p, s)
        torch.testing.assert_close(p.detach(), w.detach(), rtol=1e-5, atol=1e-6)
