"""Every UperNet config builds with both backbones and holds the paper's recipe; stage-wise lr
decay assigns the official learning rates; sliding-window and whole-image inference run; our
mIoU equals a numpy confusion-matrix computation."""
from pathlib import Path

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import DefaultScope
from mmengine.structures import PixelData

from backbones.engine.config import prepare, use_tta

ROOT = Path(__file__).resolve().parents[1]
SEG_CONFIGS = sorted((ROOT / 'configs/upernet').glob('*.py'))
R50 = dict(_delete_=True, type='backbones.ResNet', depth=50)
CONVNEXT_T = dict(_delete_=True, type='backbones.ConvNeXt', arch='tiny', layer_scale_init_value=1.0)
# The backbone-swap example with timm's ConvNeXt-T (mmpretrain.TIMMBackbone): its channels.
FOREIGN = {'upernet_timm-convnext-t_160k_ade20k-512x512': [96, 192, 384, 768]}
# (config stem) -> (arch, drop_path_rate, num_layers) from the official ConvNeXt configs
RECIPES = {'upernet_convnext-t_160k_ade20k-512x512': ('tiny', 0.4, 6, 1e-4),
           'upernet_convnext-s_160k_ade20k-512x512': ('small', 0.3, 12, 1e-4),
           'upernet_convnext-b_160k_ade20k-512x512': ('base', 0.4, 12, 1e-4),
           'upernet_convnext-b-in22k-pre_160k_ade20k-640x640': ('base', 0.4, 12, 1e-4),
           'upernet_convnext-l-in22k-pre_160k_ade20k-640x640': ('large', 0.4, 12, 1e-4),
           'upernet_convnext-xl-in22k-pre_160k_ade20k-640x640': ('xlarge', 0.4, 12, 8e-5)}


def _crop(stem: str) -> tuple[int, int]:
    return (640, 640) if stem.endswith('640x640') else (512, 512)


def _build(cfg, optim=True):
    cfg = prepare(cfg)
    with DefaultScope.overwrite_default_scope(cfg.default_scope):
        from mmseg.registry import MODELS
        model = MODELS.build(cfg.model)
        return model, build_optim_wrapper(model, cfg.optim_wrapper) if optim else None


def test_config_set_is_complete():
    names = {p.stem for p in SEG_CONFIGS}
    for b in ('convnext-t', 'convnext-s', 'convnext-b', 'r50', 'r101'):
        assert f'upernet_{b}_160k_ade20k-512x512' in names
    from backbones.evaluation.paper import PAPER  # every row of the paper's Table 4 has its config
    assert {s for s, r in PAPER.items() if r['task'] == 'segmentation'} <= names


@pytest.mark.parametrize('path', SEG_CONFIGS, ids=lambda p: p.stem)
def test_config_builds_with_both_backbones(path):
    if path.stem in FOREIGN:  # its config imports mmpretrain.models
        pytest.importorskip('mmpretrain', reason='the mmpretrain extra is not installed')
    cfg = Config.fromfile(path)
    assert cfg.model.decode_head.in_channels is None  # derived, never hand-copied
    assert cfg.model.auxiliary_head.in_channels is None
    assert 'Paper' in path.read_text().splitlines()[1]
    assert cfg.train_cfg.max_iters == 160000 and cfg.train_dataloader.batch_size == 2
    crop = _crop(path.stem)
    assert cfg.model.test_cfg == dict(mode='slide', crop_size=crop, stride=(crop[0] * 2 // 3,) * 2)
    assert cfg.model.data_preprocessor.size == crop
    assert cfg.train_dataloader.dataset.pipeline[3].crop_size == crop
    for swap in (None, R50 if 'convnext' in path.stem else CONVNEXT_T):
        c = Config.fromfile(path)
        if swap:
            c.merge_from_dict({'model.backbone': swap})
        elif path.stem in FOREIGN:
            c.merge_from_dict({'model.backbone.pretrained': False})  # no download in tests
        model, optim = _build(c)
        channels = getattr(model.backbone, 'out_channels', None) or (
            [c.model.backbone.embed_dims * 2 ** i for i in range(4)]
            if c.model.backbone.type == 'mmdet.SwinTransformer' else FOREIGN[path.stem])
        assert model.decode_head.in_channels == channels
        assert model.auxiliary_head.in_channels == channels[2]
        assert model.decode_head.num_classes == 150
        in_optimizer = {id(p) for g in optim.optimizer.param_groups for p in g['params']}
        assert all(id(p) in in_optimizer for p in model.parameters() if p.requires_grad)


@pytest.mark.parametrize('stem', sorted(RECIPES))
def test_paper_recipe_fields(stem):
    arch, dpr, num_layers, lr = RECIPES[stem]
    cfg = Config.fromfile(ROOT / f'configs/upernet/{stem}.py')
    bb = cfg.model.backbone
    assert (bb.arch, bb.drop_path_rate, bb.layer_scale_init_value) == (arch, dpr, 1.0)
    ow = cfg.optim_wrapper
    assert ow.type == 'AmpOptimWrapper'
    assert ow.optimizer == dict(type='AdamW', lr=lr, betas=(0.9, 0.999), weight_decay=0.05)
    assert ow.paramwise_cfg == dict(decay_rate=0.9, decay_type='stage_wise', num_layers=num_layers)
    warmup, poly = cfg.param_scheduler
    assert (warmup.type, warmup.start_factor, warmup.end) == ('LinearLR', 1e-6, 1500)
    assert (poly.type, poly.power, poly.eta_min, poly.end) == ('PolyLR', 1.0, 0.0, 160000)
    assert cfg.train_dataloader.dataset.pipeline[3].crop_size == _crop(stem)


def _official_stage_wise(name: str, num_layers: int) -> int:
    """The official mmseg ConvNeXt code's get_num_layer_stage_wise, num_layers + 2 ids."""
    if name.startswith('backbone.downsample_layers'):
        return 0
    if name.startswith('backbone.stages'):
        return int(name.split('.')[2]) + 1
    return num_layers + 1


def test_stage_wise_decay_matches_official():
    cfg = Config.fromfile(ROOT / 'configs/upernet/upernet_convnext-s_160k_ade20k-512x512.py')
    cfg.model.backbone.init_cfg = None
    model, optim = _build(cfg)
    lr_of = {id(p): g['lr'] for g in optim.optimizer.param_groups for p in g['params']}
    wd_of = {id(p): g['weight_decay'] for g in optim.optimizer.param_groups for p in g['params']}
    for name, p in model.named_parameters():
        layer = _official_stage_wise(name, 12)
        assert lr_of[id(p)] == pytest.approx(1e-4 * 0.9 ** (12 + 1 - layer)), name
        assert wd_of[id(p)] == (0.0 if p.ndim == 1 or name.endswith('.bias') else 0.05), name


@pytest.fixture(scope='module')
def convnext_upernet():
    cfg = Config.fromfile(ROOT / 'configs/upernet/upernet_convnext-t_160k_ade20k-512x512.py')
    cfg.model.backbone.init_cfg = None
    model, _ = _build(cfg, optim=False)
    return model.eval()


def _predict(model, image, **test_cfg):
    from mmseg.structures import SegDataSample
    h, w = image.shape[-2:]
    meta = dict(ori_shape=(h, w), img_shape=(h, w), pad_shape=(h, w), padding_size=[0, 0, 0, 0])
    model.test_cfg = Config(test_cfg)
    with torch.no_grad():
        return model.predict(image, [SegDataSample(metainfo=meta)])[0].seg_logits.data


def test_slide_and_whole_inference(convnext_upernet):
    image = torch.randn(1, 3, 160, 224)
    whole = _predict(convnext_upernet, image, mode='whole')
    assert whole.shape == (150, 160, 224) and torch.isfinite(whole).all()
    # one window covering the image is whole-image inference
    single = _predict(convnext_upernet, image, mode='slide', crop_size=(160, 224), stride=(96, 96))
    torch.testing.assert_close(single, whole)
    # overlapping windows (2 x 3 of 96x96, stride 64): full coverage, a different answer
    slide = _predict(convnext_upernet, image, mode='slide', crop_size=(96, 96), stride=(64, 64))
    assert slide.shape == whole.shape and torch.isfinite(slide).all()
    assert not torch.allclose(slide, whole)


def test_tta_wraps_the_prepared_model():
    cfg = prepare(Config.fromfile(ROOT / 'configs/upernet/upernet_r50_160k_ade20k-512x512.py'))
    cfg = use_tta(cfg)
    assert cfg.model.type == 'SegTTAModel'
    assert cfg.model.module.test_cfg == dict(mode='whole')
    aug = cfg.test_dataloader.dataset.pipeline[1].transforms
    assert [t.scale for t in aug[0]] == [(int(2048 * r), int(512 * r))
                                         for r in (0.5, 0.75, 1.0, 1.25, 1.5, 1.75)]
    assert [t.prob for t in aug[1]] == [0.0, 1.0]
    det = Config.fromfile(ROOT / 'configs/mask_rcnn/mask-rcnn_r50_fpn_1x_coco.py')
    with pytest.raises(KeyError, match='mask-rcnn.*tta_pipeline'):
        use_tta(det, 'mask-rcnn_r50_fpn_1x_coco.py')


def test_miou_equals_numpy_confusion_matrix():
    from mmseg.evaluation import IoUMetric
    from mmseg.structures import SegDataSample
    rng = np.random.default_rng(0)
    num_classes, ignore = 5, 255
    pairs = []
    for _ in range(3):
        label = rng.integers(0, num_classes, (40, 60))
        label[rng.random(label.shape) < 0.15] = ignore
        pred = np.where(rng.random(label.shape) < 0.6, label, rng.integers(0, num_classes,
                                                                            label.shape))
        pred[pred == ignore] = 0
        pred[label == 3] = 1  # class 3 never predicted right; class 4 rarely
        pairs.append((pred, label))
    metric = IoUMetric(iou_metrics=['mIoU'])
    metric.dataset_meta = dict(classes=[f'c{i}' for i in range(num_classes)])
    for pred, label in pairs:
        sample = SegDataSample(pred_sem_seg=PixelData(data=torch.from_numpy(pred)[None]),
                               gt_sem_seg=PixelData(data=torch.from_numpy(label)[None]))
        metric.process([], [sample.to_dict()])
    ours = metric.compute_metrics(metric.results)
    # independent: confusion matrix over valid pixels, IoU = TP / (TP + FP + FN)
    cm = np.zeros((num_classes, num_classes), np.int64)
    for pred, label in pairs:
        valid = label != ignore
        np.add.at(cm, (label[valid], pred[valid]), 1)
    tp = np.diag(cm)
    iou = tp / (cm.sum(0) + cm.sum(1) - tp)
    assert ours['mIoU'] == pytest.approx(round(100 * np.nanmean(iou), 2))
    assert ours['mAcc'] == pytest.approx(round(100 * np.nanmean(tp / cm.sum(1)), 2))
    assert ours['aAcc'] == pytest.approx(round(100 * tp.sum() / cm.sum(), 2))
    assert iou[3] == 0.0  # the constructed failure shows
