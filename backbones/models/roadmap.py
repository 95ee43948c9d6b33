"""The ConvNeXt paper's modernization roadmap (its Figure 2) as one configurable backbone.

`RoadmapNet(step=NAME)` builds ResNet-50 (`step='resnet50'`) or the network after any step
of the walk to ConvNeXt-T (`step='separate_downsampling'`); each step applies one change to
the previous. The paper measured the steps on ImageNet only; as a DenseBackbone every step
drops into the Mask R-CNN and UperNet configs (`backbone=dict(type='backbones.RoadmapNet',
step=...)`), with necks' in_channels derived as usual.
"""
from __future__ import annotations

from typing import Sequence

import torch
from torch import nn

from .base import DenseBackbone, DropPath
from .convnext import LayerNorm2d
from ..registry import MODELS

RESNET50 = dict(
    depths=(3, 4, 6, 3), channels=(256, 512, 1024, 2048), ratio=0.25,  # inner = ratio * out
    stem='resnet', stem_channels=64, depthwise=False, dwconv_first=False, kernel=3,
    act='relu', acts='all', norms='all', norm='bn', downsample='in_block', layer_scale=0.0)
# (name, change): each step applies its change to the step before (paper section 2).
STEPS = (
    ('resnet50', {}),
    ('stage_ratio', dict(depths=(3, 3, 9, 3))),                         # 2.2 macro design
    ('patchify_stem', dict(stem='patchify')),                           # 4x4 stride-4 conv
    ('depthwise_conv', dict(depthwise=True)),                           # 2.3 ResNeXt-ify
    ('wider', dict(channels=(384, 768, 1536, 3072), stem_channels=96)),  # width 64 -> 96
    ('inverted_bottleneck', dict(channels=(96, 192, 384, 768), ratio=4)),  # 2.4
    ('move_up_dwconv', dict(dwconv_first=True)),                        # 2.5 large kernels
    ('kernel_7', dict(kernel=7)),
    ('gelu', dict(act='gelu')),                                         # 2.6 micro design
    ('fewer_activations', dict(acts='one')),
    ('fewer_norms', dict(norms='one')),
    ('layer_norm', dict(norm='ln')),
    ('separate_downsampling', dict(downsample='separate', layer_scale=1e-6)),  # = ConvNeXt-T
)
STEP_NAMES = tuple(name for name, _ in STEPS)


def step_spec(step: str) -> dict:
    """The design after `step`: RESNET50 with every change up to and including it."""
    if step not in STEP_NAMES:
        raise ValueError(f'RoadmapNet: unknown step {step!r}; choose one of {STEP_NAMES}')
    spec = dict(RESNET50)
    for name, change in STEPS[:STEP_NAMES.index(step) + 1]:
        spec.update(change)
    return spec


def _norm(spec: dict, channels: int) -> nn.Module:
    return nn.BatchNorm2d(channels) if spec['norm'] == 'bn' else LayerNorm2d(channels, eps=1e-6)


def _act(spec: dict) -> nn.Module:
    return nn.ReLU(inplace=True) if spec['act'] == 'relu' else nn.GELU()


class Block(nn.Module):
    """Three convs and a residual: 1x1 -> kxk -> 1x1 (bottleneck or inverted bottleneck), or
    with the spatial conv moved first (kxk -> 1x1 -> 1x1). `acts`/`norms` 'all': after every
    conv (acts: not the last, but after the sum, as in ResNet); 'one': one activation between
    the 1x1 convs and one norm after the first conv, as in ConvNeXt."""

    def __init__(self, c_in: int, c_out: int, *, stride: int, spec: dict,
                 drop_path: float) -> None:
        super().__init__()
        inner, k = int(c_out * spec['ratio']), spec['kernel']
        if spec['dwconv_first']:
            shapes = [(c_in, c_in, k, stride, c_in), (c_in, inner, 1, 1, 1), (inner, c_out, 1, 1, 1)]
        else:
            spatial_groups = inner if spec['depthwise'] else 1
            shapes = [(c_in, inner, 1, 1, 1), (inner, inner, k, stride, spatial_groups),
                      (inner, c_out, 1, 1, 1)]
        layers = []
        for j, (ci, co, kk, s, g) in enumerate(shapes):
            normed = spec['norms'] == 'all' or j == 0
            with_bn = normed and spec['norm'] == 'bn'  # a conv before BN needs no bias
            layers.append(nn.Conv2d(ci, co, kk, s, kk // 2, groups=g, bias=not with_bn))
            if normed:
                layers.append(_norm(spec, co))
            if (spec['acts'] == 'all' and j < 2) or (spec['acts'] == 'one' and j == 1):
                layers.append(_act(spec))
        self.branch = nn.Sequential(*layers)
        self.gamma = (nn.Parameter(torch.full((c_out, 1, 1), spec['layer_scale']))
                      if spec['layer_scale'] > 0 else None)
        self.drop_path = DropPath(drop_path) if drop_path > 0 else nn.Identity()
        self.shortcut = nn.Identity()
        if stride != 1 or c_in != c_out:  # ResNet's projection shortcut
            self.shortcut = nn.Sequential(
                nn.Conv2d(c_in, c_out, 1, stride, bias=spec['norm'] != 'bn'), _norm(spec, c_out))
        self.post_act = _act(spec) if spec['acts'] == 'all' else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.branch(x)
        if self.gamma is not None:
            y = y * self.gamma
        return self.post_act(self.shortcut(x) + self.drop_path(y))


@MODELS.register_module()
class RoadmapNet(DenseBackbone):
    """One step of the ResNet-50 -> ConvNeXt-T walk (`STEPS`) as a 4-stage backbone.

    Args:
        step: a name from STEP_NAMES ('resnet50' ... 'separate_downsampling').
        out_indices: stages to return; LayerNorm designs give each its own LayerNorm.
        drop_path_rate: stochastic depth of the last block, rising linearly from 0.
        frozen_stages, norm_eval: as for ResNet.
        norm_outputs: LayerNorm designs give each output its LayerNorm (False: the
            ImageNet classifier's trunk, whose LayerNorm follows the pooling).
    """

    def __init__(self, *, step: str = 'separate_downsampling',
                 out_indices: Sequence[int] = (0, 1, 2, 3), drop_path_rate: float = 0.0,
                 frozen_stages: int = -1, norm_eval: bool = False, norm_outputs: bool = True,
                 init_cfg: dict | None = None) -> None:
        spec = step_spec(step)
        self.step, self.spec = step, spec
        self.stage_channels = spec['channels']
        self.stage_strides = (4, 8, 16, 32)
        super().__init__(out_indices=out_indices, frozen_stages=frozen_stages,
                         norm_eval=norm_eval, init_cfg=init_cfg)
        c0 = spec['stem_channels']
        if spec['stem'] == 'resnet':  # 7x7 stride-2 conv, norm, act, 3x3 stride-2 max pool
            self.stem = nn.Sequential(nn.Conv2d(3, c0, 7, 2, 3, bias=spec['norm'] != 'bn'),
                                      _norm(spec, c0), _act(spec), nn.MaxPool2d(3, 2, 1))
        else:  # "patchify": 4x4 stride-4 conv, norm
            self.stem = nn.Sequential(nn.Conv2d(3, c0, 4, 4), _norm(spec, c0))
        separate = spec['downsample'] == 'separate'
        widths = (c0, *spec['channels'])
        self.downsamples = nn.ModuleList([nn.Identity()])  # stage 1 follows the stem directly
        for c_in, c_out in zip(widths[1:-1], widths[2:]):
            self.downsamples.append(
                nn.Sequential(_norm(spec, c_in), nn.Conv2d(c_in, c_out, 2, 2)) if separate
                else nn.Identity())
        total = sum(spec['depths'])
        rates = [drop_path_rate * k / max(total - 1, 1) for k in range(total)]
        self.stages = nn.ModuleList()
        for i, depth in enumerate(spec['depths']):
            c_in = widths[i + 1] if separate else widths[i]  # after the downsampling layer
            blocks = []
            for j in range(depth):
                stride = 2 if j == 0 and i > 0 and not separate else 1
                blocks.append(Block(c_in if j == 0 else widths[i + 1], widths[i + 1],
                                    stride=stride, spec=spec, drop_path=rates.pop(0)))
            self.stages.append(nn.Sequential(*blocks))
        last = max(self.out_indices) + 1
        self.downsamples, self.stages = self.downsamples[:last], self.stages[:last]
        self.out_norms = nn.ModuleDict(
            {str(i): LayerNorm2d(widths[i + 1], eps=1e-6) for i in self.out_indices}
            if spec['norm'] == 'ln' and norm_outputs else {})
        self._freeze()

    def _forward(self, x: torch.Tensor) -> tuple[torch.Tensor, ...]:
        return self._stage_outputs(self.stem(x), self.downsamples, self.stages, self.out_norms)

    def _stage_modules(self, index: int) -> list[nn.Module]:
        if index == -1:
            return [self.stem]
        if index >= len(self.stages):
            return []
        return ([self.stages[index], self.downsamples[index]]
                + ([self.out_norms[str(index)]] if str(index) in self.out_norms else []))

    def _lr_stages(self):
        return [self.stem], [(d if i else None, list(s))
                             for i, (d, s) in enumerate(zip(self.downsamples, self.stages))]

    def classifier_norm(self) -> nn.Module | None:
        return nn.LayerNorm(self.stage_channels[-1], eps=1e-6) if self.spec['norm'] == 'ln' else None

    def _init_random(self) -> None:
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                if self.spec['norm'] == 'bn':
                    nn.init.kaiming_normal_(m.weight, mode='fan_out', nonlinearity='relu')
                else:
                    nn.init.trunc_normal_(m.weight, std=0.02)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)

    @staticmethod
    def convert_state_dict(state: dict) -> dict:
        """RoadmapNet checkpoints are its own (no released weights use these names)."""
        return state
