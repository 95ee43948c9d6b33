"""The layout contract (backbones/models/base.py): every backbone's outputs are contiguous NCHW, for
NCHW and channels_last input and weights, and Mask R-CNN's RoI features come out as they would
from contiguous maps. mmcv's RoIAlign reads raw memory as NCHW: a channels_last-strided map
gives other (scrambled) RoI features, silently; that is what broke every ConvNeXt detector."""
from pathlib import Path

import pytest
import torch
from mmengine.config import Config

from backbones import ConvNeXt, ResNet, RoadmapNet
from backbones.engine.config import build_model
from backbones.models.roadmap import STEP_NAMES

ROOT = Path(__file__).resolve().parents[1]
SMALL = dict(depths=[1, 1, 2, 1], channels=[8, 16, 32, 64])
BACKBONES = {
    'convnext-tiny': lambda: ConvNeXt(arch='tiny', layer_scale_init_value=1.0),
    'convnext-small-arch-out13': lambda: ConvNeXt(arch=SMALL, out_indices=(1, 3)),
    'resnet18': lambda: ResNet(depth=18),
    'resnet50': lambda: ResNet(depth=50),
    **{f'roadmap-{step}': (lambda step=step: RoadmapNet(step=step)) for step in STEP_NAMES},
}


def _is_nchw_contiguous(t: torch.Tensor) -> bool:
    return t.is_contiguous() and t.stride() == torch.empty(t.shape).stride()


@pytest.mark.parametrize('name', sorted(BACKBONES))
def test_outputs_are_contiguous_nchw_for_any_input_layout(name):
    model = BACKBONES[name]().eval()
    x = torch.randn(2, 3, 64, 96)
    with torch.no_grad():
        reference = model(x)
        from_channels_last_input = model(x.contiguous(memory_format=torch.channels_last))
        model.to(memory_format=torch.channels_last)  # what --channels-last training does
        from_channels_last_model = model(x.contiguous(memory_format=torch.channels_last))
    assert len(reference) == len(model.out_channels)
    for outs in (reference, from_channels_last_input, from_channels_last_model):
        for out, ref, c, s in zip(outs, reference, model.out_channels, model.out_strides):
            assert out.shape == (2, c, -(-64 // s), -(-96 // s))
            assert _is_nchw_contiguous(out), (name, out.stride())
            torch.testing.assert_close(out, ref, rtol=1e-4, atol=1e-4)


def test_convnext_layernorm_leaves_channels_last_strides_inside():
    """Why the contract is enforced at the boundary: the fast LayerNorm2d hands on a permuted
    view (its convs keep running channels_last); only the outputs are made contiguous."""
    model = ConvNeXt(arch=SMALL).eval()
    with torch.no_grad():
        inner = model.out_norms['0'](model.stages[0](model.downsample_layers[0](
            torch.randn(1, 3, 32, 32))))
    assert not inner.is_contiguous() and inner.is_contiguous(memory_format=torch.channels_last)


DEMO = {
    'convnext-t': 'configs/demo/mask-rcnn_convnext-t_fpn_demo-shapes.py',
    'r50': 'configs/demo/mask-rcnn_r50_fpn_demo-shapes.py',
    'roadmap-layer_norm': 'configs/demo/mask-rcnn_convnext-t_fpn_demo-shapes.py',
}


def _rois(h: int, w: int, n: int = 40) -> torch.Tensor:
    g = torch.Generator().manual_seed(0)
    xy = torch.rand(n, 2, generator=g) * torch.tensor([w, h]) * 0.7
    wh = torch.rand(n, 2, generator=g) * torch.tensor([w, h]) * 0.3 + 4
    return torch.cat([torch.zeros(n, 1), xy, xy + wh], 1)


@pytest.mark.parametrize('name', sorted(DEMO))
def test_mask_rcnn_roi_features_equal_those_of_contiguous_maps(name):
    cfg = Config.fromfile(ROOT / DEMO[name])
    if name.startswith('roadmap'):
        cfg.model.backbone = dict(type='backbones.RoadmapNet', step='layer_norm')
    model = build_model(cfg).eval()
    g = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for p in model.parameters():  # trained-like, non-zero weights everywhere
            p.add_(torch.randn(p.shape, generator=g) * 0.02)
        feats = model.extract_feat(torch.randn(1, 3, 128, 160, generator=g))
        rois = _rois(128, 160)
        for extractor in (model.roi_head.bbox_roi_extractor, model.roi_head.mask_roi_extractor):
            maps = feats[:extractor.num_inputs]
            got = extractor(maps, rois)
            want = extractor([f.contiguous() for f in maps], rois)
            torch.testing.assert_close(got, want, rtol=0, atol=0)
            # The test can fail: the same maps with channels_last strides (values unchanged)
            # give other RoI features, which is what the ConvNeXt detector used to get.
            scrambled = extractor([f.contiguous(memory_format=torch.channels_last)
                                   for f in maps], rois)
            assert (scrambled - want).abs().max() > 1e-3


def test_mmcv_ops_on_our_paths_and_memory_layout():
    """The audit's check of the compiled ops the configs reach: RoIAlign reads strides wrongly
    (hence the contract); nms on non-contiguous boxes and scores gives the same result."""
    from mmcv.ops import RoIAlign, nms
    g = torch.Generator().manual_seed(0)
    x = torch.randn(1, 8, 16, 16, generator=g)
    rois = _rois(16, 16, 10)
    align = RoIAlign((7, 7), spatial_scale=1.0, sampling_ratio=0)
    assert not torch.allclose(align(x.contiguous(memory_format=torch.channels_last), rois),
                              align(x, rois))
    xy = torch.rand(50, 2, generator=g) * 50
    boxes = torch.cat([xy, xy + torch.rand(50, 2, generator=g) * 20 + 1], 1)
    scores = torch.rand(50, generator=g)
    strided_boxes = boxes.t().contiguous().t()  # same values, column-major strides
    strided_scores = torch.stack([scores, scores], 1)[:, 0]
    assert not strided_boxes.is_contiguous() and not strided_scores.is_contiguous()
    dets, keep = nms(boxes, scores, 0.5)
    dets_s, keep_s = nms(strided_boxes, strided_scores, 0.5)
    assert torch.equal(keep, keep_s) and torch.equal(dets, dets_s)
