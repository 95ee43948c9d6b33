"""Every detection config builds (model + optimizer) with both backbones and holds the recipe;
layer-wise lr decay assigns the official learning rates."""
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import DefaultScope

from backbones.engine.config import prepare

ROOT = Path(__file__).resolve().parents[1]
DET_CONFIGS = sorted((ROOT / 'configs').glob('*mask_rcnn/*.py'))
R50 = dict(_delete_=True, type='backbones.ResNet', depth=50, frozen_stages=1, norm_eval=True)
CONVNEXT_T = dict(_delete_=True, type='backbones.ConvNeXt', arch='tiny', layer_scale_init_value=1.0)



def foreign_channels(backbone) -> list[int]:
    """What another library's backbone (mmdet's Swin / ResNeXt, which declare none) outputs;
    prepare() reads it off a forward pass."""
    if backbone.type == 'mmdet.SwinTransformer':
        return [backbone.embed_dims * 2 ** i for i in range(4)]
    return [256, 512, 1024, 2048]


# (config stem) -> (arch, drop_path_rate, lr, decay_rate, num_layers) from the official configs
RECIPES = {
    'mask-rcnn_convnext-t_fpn_ms-crop-3x_coco': ('tiny', 0.4, 1e-4, 0.95, 6),
    'cascade-mask-rcnn_convnext-t_fpn_4conv1fc-giou_ms-crop-3x_coco': ('tiny', 0.4, 2e-4, 0.7, 6),
    'cascade-mask-rcnn_convnext-s_fpn_4conv1fc-giou_ms-crop-3x_coco': ('small', 0.6, 2e-4, 0.7, 12),
    'cascade-mask-rcnn_convnext-b_fpn_4conv1fc-giou_ms-crop-3x_coco': ('base', 0.7, 2e-4, 0.8, 12),
    'cascade-mask-rcnn_convnext-b-in22k-pre_fpn_4conv1fc-giou_ms-crop-3x_coco': ('base', 0.6, 1e-4, 0.8, 12),
    'cascade-mask-rcnn_convnext-l-in22k-pre_fpn_4conv1fc-giou_ms-crop-3x_coco': ('large', 0.7, 1e-4, 0.7, 12),
    'cascade-mask-rcnn_convnext-xl-in22k-pre_fpn_4conv1fc-giou_ms-crop-3x_coco': ('xlarge', 0.8, 1e-4, 0.7, 12),
}


def _build(cfg):
    cfg = prepare(cfg)
    with DefaultScope.overwrite_default_scope(cfg.default_scope):
        from mmdet.registry import MODELS
        model = MODELS.build(cfg.model)
        return model, build_optim_wrapper(model, cfg.optim_wrapper)


def test_config_set_is_complete():
    names = {p.stem for p in DET_CONFIGS}
    from backbones.evaluation.paper import PAPER  # every row of the paper's Table 3 has its config
    assert {s for s, r in PAPER.items() if r['task'] == 'detection'} <= names
    for method in ('mask-rcnn_{}_fpn', 'cascade-mask-rcnn_{}_fpn_4conv1fc-giou'):
        for b in ('convnext-t', 'convnext-s', 'convnext-b', 'r50'):
            for sched in ('1x', 'ms-crop-3x'):
                assert f'{method.format(b)}_{sched}_coco' in names


@pytest.mark.parametrize('path', DET_CONFIGS, ids=lambda p: p.stem)
def test_config_builds_with_both_backbones(path):
    cfg = Config.fromfile(path)
    assert cfg.model.neck.in_channels is None  # derived, never hand-copied
    text = path.read_text()
    assert 'Paper' in text.splitlines()[1]  # the paper's figures (or their absence) recorded
    is_convnext = 'convnext' in path.stem
    for swap in (None, R50 if is_convnext else CONVNEXT_T):
        c = Config.fromfile(path)
        if swap:
            c.merge_from_dict({'model.backbone': swap})
        model, optim = _build(c)
        declared = getattr(model.backbone, 'out_channels', None)
        assert model.neck.in_channels == (declared or foreign_channels(c.model.backbone))
        in_optimizer = {id(p) for g in optim.optimizer.param_groups for p in g['params']}
        assert all(id(p) in in_optimizer for p in model.parameters() if p.requires_grad)
    if 'cascade' in path.stem:
        heads = model.roi_head.bbox_head
        assert [h.num_shared_convs for h in heads] == [4, 4, 4]
        assert all(type(h.loss_bbox).__name__ == 'GIoULoss' for h in heads)


@pytest.mark.parametrize('stem', sorted(RECIPES))
def test_paper_recipe_fields(stem):
    arch, dpr, lr, decay, num_layers = RECIPES[stem]
    path = next(p for p in DET_CONFIGS if p.stem == stem)
    cfg = Config.fromfile(path)
    bb = cfg.model.backbone
    assert (bb.arch, bb.drop_path_rate, bb.layer_scale_init_value) == (arch, dpr, 1.0)
    ow = cfg.optim_wrapper
    assert ow.type == 'AmpOptimWrapper'
    assert ow.optimizer == dict(type='AdamW', lr=lr, betas=(0.9, 0.999), weight_decay=0.05)
    assert ow.paramwise_cfg == dict(decay_rate=decay, decay_type='layer_wise', num_layers=num_layers)
    assert cfg.train_cfg.max_epochs == 36
    assert cfg.param_scheduler[1].milestones == [27, 33]
    scales = cfg.train_dataloader.dataset.pipeline[3].transforms[0][0].scales
    assert [s[0] for s in scales] == list(range(480, 801, 32))
    assert cfg.train_dataloader.batch_size == 2  # x 8 GPUs = 16, as published


def _official_layer_id(name: str, num_max_layer: int) -> int:
    """The official get_num_layer_layer_wise, transcribed as an independent reference."""
    if name.startswith('backbone.downsample_layers'):
        return (0, 2, 3, num_max_layer)[int(name.split('.')[2])]
    if name.startswith('backbone.stages'):
        stage, block = int(name.split('.')[2]), int(name.split('.')[3])
        return (1, 2, 3 + block // 3, num_max_layer)[stage]
    return num_max_layer + 1


@pytest.mark.parametrize('stem', ['mask-rcnn_convnext-t_fpn_ms-crop-3x_coco',
                                  'cascade-mask-rcnn_convnext-s_fpn_4conv1fc-giou_ms-crop-3x_coco'])
def test_layer_decay_learning_rates_match_official(stem):
    _, _, lr, decay, num_layers = RECIPES[stem]
    model, optim = _build(Config.fromfile(next(p for p in DET_CONFIGS if p.stem == stem)))
    by_param = {id(p): g for g in optim.optimizer.param_groups for p in g['params']}
    checked = 0
    for name, param in model.named_parameters():
        group = by_param[id(param)]
        want = lr * decay ** (num_layers + 1 - _official_layer_id(name, num_layers))
        assert group['lr'] == pytest.approx(want), name
        no_wd = param.ndim == 1 or name.endswith('.bias')
        assert group['weight_decay'] == (0.0 if no_wd else 0.05), name
        checked += 1
    assert checked == len(list(model.parameters()))
    named = dict(model.named_parameters())
    stem_lr = by_param[id(named['backbone.downsample_layers.0.0.weight'])]['lr']
    assert stem_lr == pytest.approx(lr * decay ** (num_layers + 1))
    assert by_param[id(named['neck.fpn_convs.0.conv.weight'])]['lr'] == pytest.approx(lr)


def test_layer_decay_resnet_stage_ids():
    cfg = Config.fromfile(ROOT / 'configs/mask_rcnn/mask-rcnn_convnext-t_fpn_ms-crop-3x_coco.py')
    cfg.merge_from_dict({'model.backbone': R50})
    model, optim = _build(cfg)
    by_param = {id(p): g['lr'] for g in optim.optimizer.param_groups for p in g['params']}
    lr = lambda module: by_param[id(next(module.parameters()))]  # noqa: E731
    layers = model.backbone.layers
    # stem frozen (frozen_stages=1 freezes stem + stage 1): not in the optimizer at all
    assert not model.backbone.conv1.weight.requires_grad
    assert lr(layers[1][0]) == pytest.approx(1e-4 * 0.95 ** 5)       # stage 2 -> id 2
    assert [lr(b) for b in layers[2]] == pytest.approx(
        [1e-4 * 0.95 ** (7 - i) for i in (3, 3, 3, 4, 4, 4)])       # stage 3: three blocks an id
    assert lr(layers[3][2]) == pytest.approx(1e-4 * 0.95)            # stage 4 -> id 6


def test_wrong_neck_in_channels_says_what_to_write():
    cfg = Config.fromfile(ROOT / 'configs/mask_rcnn/mask-rcnn_convnext-t_fpn_1x_coco.py')
    cfg.model.neck.in_channels = [256, 512, 1024, 2048]
    with pytest.raises(ValueError, match=r'model\.neck\.in_channels=\[256, 512, 1024, 2048\] does '
                                         r'not match .* write model\.neck\.in_channels=\[96, 192, 384, 768\]'):
        prepare(cfg)


def test_unknown_backbone_type_named():
    cfg = Config.fromfile(ROOT / 'configs/mask_rcnn/mask-rcnn_r50_fpn_1x_coco.py')
    cfg.model.backbone = dict(type='backbones.ConvNext', arch='tiny')  # a typo
    with pytest.raises(KeyError, match=r"model\.backbone\.type='backbones\.ConvNext' is not a "
                                       r"registered backbone: use backbones\.ConvNeXt"):
        prepare(cfg)


def test_wrong_auxiliary_head_in_channels_says_what_to_write():
    cfg = Config.fromfile(ROOT / 'configs/upernet/upernet_convnext-t_160k_ade20k-512x512.py')
    cfg.model.auxiliary_head.in_channels = 1024  # ResNet-50's stage 3, copied by hand
    with pytest.raises(ValueError, match=r'model\.auxiliary_head\.in_channels=1024 does not '
                                         r'match .* write model\.auxiliary_head\.in_channels=384'):
        prepare(cfg)


def test_cpu_adaptation():
    cfg = prepare(Config.fromfile(
        ROOT / 'configs/cascade_mask_rcnn/cascade-mask-rcnn_convnext-t_fpn_4conv1fc-giou_ms-crop-3x_coco.py'))
    if torch.cuda.is_available():
        pytest.skip('adaptation applies only without CUDA')
    assert cfg.optim_wrapper.type == 'OptimWrapper'
    assert all(h.norm_cfg.type == 'BN' for h in cfg.model.roi_head.bbox_head)
    assert cfg.env_cfg.dist_cfg.backend == 'gloo'


def test_prepare_only_rewrites_the_config():
    """A distributed run's config and a load_from URL: prepare returns the config for a CPU
    DDP run and leaves the URL to the loader (no cached path put in its place); it joins no
    process group and touches no environment variable (Slurm's are read when a run starts)."""
    if torch.cuda.is_available():
        pytest.skip('adaptation applies only without CUDA')
    import os
    cfg = Config.fromfile(ROOT / 'configs/mask_rcnn/mask-rcnn_r50_fpn_1x_coco.py')
    cfg.launcher, cfg.load_from = 'slurm', 'https://example.invalid/iter_1.pth'
    environ = dict(os.environ)
    cfg = prepare(cfg)
    assert cfg.model_wrapper_cfg.type == 'backbones.CPUDistributedDataParallel'
    assert cfg.load_from == 'https://example.invalid/iter_1.pth'
    assert not torch.distributed.is_initialized() and dict(os.environ) == environ
