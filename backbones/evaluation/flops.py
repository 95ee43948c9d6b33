"""Parameters and FLOPs of whole models, counted the way the papers' tables count them.

FLOPs are multiply-adds (a fused multiply-add is one), counted fvcore-style by tracing
(mmengine.analysis.FlopAnalyzer: convolutions, matmuls / linears, norms, upsampling,
adaptive pooling; element-wise ops are free). What runs follows the tools behind the
published numbers (mmdet / mmseg 2.x `forward_dummy`, used by Swin and ConvNeXt):

- classifiers (backbones.ImageClassifier): the forward pass;
- two-stage detectors: backbone, neck, RPN head on every level, then the box branch of each
  RoI-head stage on 1000 fixed proposals and the mask branch of each stage on the first 100;
- segmentors: backbone and decode head (the auxiliary head is training-only, but its
  parameters are counted, as in the paper's tables).
"""
from __future__ import annotations

import torch
from mmengine.analysis import FlopAnalyzer
from mmengine.config import Config
from torch import nn

from ..engine.config import build_model

NUM_PROPOSALS, NUM_MASK_ROIS = 1000, 100


class _DetectorTrace(nn.Module):
    def __init__(self, model: nn.Module, height: int, width: int) -> None:
        super().__init__()
        self.model = model
        g = torch.Generator().manual_seed(0)
        xy = torch.rand(NUM_PROPOSALS, 2, generator=g) * torch.tensor([width, height]) * 0.8
        wh = torch.rand(NUM_PROPOSALS, 2, generator=g) * torch.tensor([width, height]) * 0.2 + 8
        # rois: (batch index, x1, y1, x2, y2)
        self.register_buffer('rois', torch.cat([torch.zeros(NUM_PROPOSALS, 1), xy, xy + wh], 1))

    def forward(self, x: torch.Tensor) -> tuple:
        feats = self.model.extract_feat(x)
        outs = [t for level in self.model.rpn_head(feats) for t in level]
        roi_head, rois = self.model.roi_head, self.rois
        stages = ([(i,) for i in range(roi_head.num_stages)] if hasattr(roi_head, 'num_stages')
                  else [()])
        # mmdet 3 has no public call of one RoI-head stage on given RoIs (its 2.x forward_dummy
        # did this); _bbox_forward / _mask_forward are that call (test_flops_roadmap checks
        # the counts against the papers' figures)
        for stage in stages:
            outs.append(roi_head._bbox_forward(*stage, feats, rois)['cls_score'])
        for stage in stages:
            outs.append(roi_head._mask_forward(*stage, feats, rois[:NUM_MASK_ROIS])['mask_preds'])
        return tuple(outs)


class _SegmentorTrace(nn.Module):
    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.model.decode_head(self.model.extract_feat(x))


def count(cfg: Config, height: int, width: int) -> dict:
    """{'params_m': millions of parameters, 'gflops': billions of multiply-adds} for one
    height x width image."""
    model = build_model(cfg)
    if hasattr(model, 'roi_head'):
        traced = _DetectorTrace(model, height, width)
    elif hasattr(model, 'decode_head'):
        traced = _SegmentorTrace(model)
    else:
        traced = model
    analyzer = FlopAnalyzer(traced, (torch.zeros(1, 3, height, width),))
    analyzer.unsupported_ops_warnings(False)
    analyzer.uncalled_modules_warnings(False)
    with torch.no_grad():
        flops = analyzer.total()
    params = sum(p.numel() for p in model.parameters())
    return dict(params_m=params / 1e6, gflops=flops / 1e9)
