"""Backbones of other libraries in our configs, as their users write them: neck / head
in_channels derived (built for real, or read off one small forward pass) or written, one
training step each; the paper's layer-wise decay on a ConvNeXt with the official names."""
from pathlib import Path

import pytest
import torch
from mmengine.config import Config

from backbones.engine.config import prepare
from backbones.models.wiring import backbone_outputs
from backbones.data.demo import make_ade_shapes, make_coco_shapes
from backbones.engine.optim import official_layer_id
from backbones.engine.runner import Runner
from test_detection_configs import _official_layer_id

ROOT = Path(__file__).resolve().parents[1]
DET = ROOT / 'configs/demo/mask-rcnn_convnext-t_fpn_demo-shapes.py'
SEG = ROOT / 'configs/demo/upernet_r50_demo-shapes.py'
SWIN = dict(type='mmdet.SwinTransformer', embed_dims=32, depths=[1, 1, 2, 1],
            num_heads=[1, 2, 4, 8], window_size=7, convert_weights=False)
MMPRETRAIN_CONVNEXT = dict(type='mmpretrain.ConvNeXt', arch=dict(
    depths=[1, 1, 6, 1], channels=[16, 32, 64, 128]), out_indices=(0, 1, 2, 3),
    gap_before_final_norm=False, layer_scale_init_value=1.0, drop_path_rate=0.1)
RESNET18 = [64, 128, 256, 512]


@pytest.fixture(scope='module')
def coco_root(tmp_path_factory):
    return make_coco_shapes(tmp_path_factory.mktemp('coco_shapes'))


@pytest.fixture(scope='module')
def ade_root(tmp_path_factory):
    return make_ade_shapes(tmp_path_factory.mktemp('ade') / 'demo_ade_shapes')


def _cfg(config: Path, data_root: Path, work_dir: Path, backbone: dict, **options) -> Config:
    cfg = Config.fromfile(config)
    root = str(data_root) + '/'
    options = {'model.backbone': dict(_delete_=True, **backbone), 'work_dir': str(work_dir),
               'train_dataloader.dataset.data_root': root,
               'train_dataloader.batch_size': 2,
               'train_cfg.max_iters': 2, 'train_cfg.val_interval': 100,
               'default_hooks.checkpoint.interval': 100, 'default_hooks.logger.interval': 1,
               'visualizer.name': f'visualizer_{work_dir.name}', **options}
    cfg.merge_from_dict(options)
    cfg.val_dataloader = cfg.val_evaluator = cfg.val_cfg = None  # training steps only
    return cfg


def _train_steps(cfg: Config) -> torch.nn.Module:
    """Two training iterations; returns the model after checking the backbone learned."""
    runner = Runner.from_cfg(prepare(cfg))
    before = {n: p.detach().clone() for n, p in runner.model.backbone.named_parameters()}
    runner.train()
    after = dict(runner.model.backbone.named_parameters())
    assert any(not torch.equal(before[n], after[n]) for n in before)
    assert all(torch.isfinite(p).all() for p in after.values())
    return runner.model


@pytest.mark.parametrize('written', [False, True], ids=['derived', 'written'])
def test_mmdet_swin_in_mask_rcnn(coco_root, tmp_path, written):
    options = {'model.neck.in_channels': [32, 64, 128, 256]} if written else {}
    # the demo config's layer-wise decay is for ConvNeXts (refused for Swin): plain AdamW
    options['optim_wrapper.constructor'] = 'DefaultOptimWrapperConstructor'
    options['optim_wrapper.paramwise_cfg'] = None
    model = _train_steps(_cfg(DET, coco_root, tmp_path, SWIN, **options))
    assert type(model.backbone).__name__ == 'SwinTransformer'
    assert model.neck.in_channels == [32, 64, 128, 256]


@pytest.mark.parametrize('backbone', ['mmseg.ResNetV1c', 'mmdet.ResNet'])
@pytest.mark.parametrize('written', [False, True], ids=['derived', 'written'])
def test_other_resnets_in_upernet(ade_root, tmp_path, backbone, written):
    options = {'model.decode_head.in_channels': RESNET18,
               'model.auxiliary_head.in_channels': 256} if written else {}
    model = _train_steps(_cfg(SEG, ade_root, tmp_path, dict(type=backbone, depth=18), **options))
    assert type(model.backbone).__name__ == backbone.split('.')[1]
    assert model.decode_head.in_channels == RESNET18
    assert model.auxiliary_head.in_channels == 256


def test_wrong_in_channels_for_a_foreign_backbone_say_what_to_write():
    cfg = Config.fromfile(SEG)
    cfg.merge_from_dict({'model.backbone': dict(_delete_=True, type='mmseg.ResNetV1c', depth=18),
                         'model.decode_head.in_channels': [256, 512, 1024, 2048]})
    with pytest.raises(ValueError, match=r'model\.decode_head\.in_channels=\[256, 512, 1024, '
                                         r'2048\] does not match .* write model\.decode_head\.'
                                         r'in_channels=\[64, 128, 256, 512\]'):
        prepare(cfg)


def test_backbone_that_cannot_be_run_needs_written_in_channels():
    """Nothing can tell (the trial forward fails): an error that names in_channels, unless
    they are written, in which case they are taken as they are."""
    bad = dict(_delete_=True, type='mmdet.SwinTransformer', embed_dims=30, num_heads=[4, 4, 4, 4],
               convert_weights=False)  # 30 channels in 4 heads: the attention cannot run
    cfg = Config.fromfile(DET)
    cfg.merge_from_dict({'model.backbone': bad})
    with pytest.raises(TypeError, match=r"'mmdet\.SwinTransformer' declares no out_channels and "
                                        r'a trial forward pass .* write every neck / head '
                                        r'in_channels'):
        backbone_outputs(cfg.model.backbone, cfg.default_scope)
    cfg.model.neck.in_channels = [30, 60, 120, 240]
    assert prepare(cfg).model.neck.in_channels == [30, 60, 120, 240]


def test_mmpretrain_convnext_with_the_papers_layer_decay(coco_root, tmp_path):
    pytest.importorskip('mmpretrain', reason='mmpretrain is an optional extra')
    cfg = _cfg(DET, coco_root, tmp_path, MMPRETRAIN_CONVNEXT, **{'optim_wrapper': dict(
        _delete_=True, type='OptimWrapper', constructor='backbones.LayerDecayOptimWrapperConstructor',
        optimizer=dict(type='AdamW', lr=1e-4, betas=(0.9, 0.999), weight_decay=0.05),
        paramwise_cfg=dict(decay_rate=0.9, decay_type='layer_wise', num_layers=6))})
    runner = Runner.from_cfg(prepare(cfg))
    assert runner.cfg.model.neck.in_channels == [16, 32, 64, 128]
    runner.train()
    by_param = {id(p): g for g in runner.optim_wrapper.optimizer.param_groups
                for p in g['params']}
    names = [n for n, _ in runner.model.named_parameters()]
    assert any(n.startswith('backbone.downsample_layers.') for n in names)
    for name, param in runner.model.named_parameters():
        want = 1e-4 * 0.9 ** (6 + 1 - _official_layer_id(name, 6))
        # (the demo's warm-up scheduler has scaled 'lr' since; 'initial_lr' is the group's)
        assert by_param[id(param)]['initial_lr'] == pytest.approx(want), name


@pytest.mark.parametrize('decay_type', ['layer_wise', 'stage_wise'])
def test_official_name_rule_matches_our_structural_rule(decay_type):
    """On our ConvNeXt (official names) the name rule and the structural rule agree for
    every parameter: one recipe, whichever ConvNeXt a config names."""
    from backbones import ConvNeXt
    # V2's atto and nano: stage 2 of 6 and 8 blocks, where spreading them over ids 3-5
    # would differ from the official three blocks to an id
    for arch, num_layers in (('tiny', 6), ('small', 12), ('v2-atto', 6), ('v2-nano', 12)):
        model = ConvNeXt(arch=arch, layer_scale_init_value=1.0)
        ids = model.lr_layer_ids(decay_type, num_layers)
        for name, param in model.named_parameters():
            assert ids.get(id(param), num_layers + 1) == official_layer_id(
                name, decay_type, num_layers), name
            if decay_type == 'layer_wise':  # and the official code's own rule
                assert ids.get(id(param), num_layers + 1) == _official_layer_id(
                    'backbone.' + name, num_layers), name


def test_layer_decay_on_an_unsupported_backbone_says_what_is_supported():
    cfg = Config.fromfile(ROOT / 'configs/mask_rcnn/mask-rcnn_convnext-t_fpn_1x_coco.py')
    cfg.merge_from_dict({'model.backbone': dict(_delete_=True, **SWIN)})
    from mmengine.optim import build_optim_wrapper
    from mmengine.registry import DefaultScope

    from backbones.engine.config import build_model
    model = build_model(cfg)
    with DefaultScope.overwrite_default_scope('mmdet'), pytest.raises(
            TypeError, match=r'supports the backbones\.\* backbones and ConvNeXts with the '
                             r'official parameter names .* SwinTransformer is neither'):
        build_optim_wrapper(model, prepare(cfg).optim_wrapper)
