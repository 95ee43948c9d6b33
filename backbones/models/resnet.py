"""ResNet ("Deep Residual Learning", He et al. 2015) as a multi-scale backbone.

Weight names follow torchvision (`conv1`, `bn1`, `layer1.0.conv1`, `downsample.0`, ...), which
timm's ResNets share, so both release formats load once the classifier `fc` is dropped.
"""
from __future__ import annotations

import re
from typing import Sequence

import torch
from mmcv.cnn import build_norm_layer
from torch import nn
from torch.utils.checkpoint import checkpoint

from .base import DenseBackbone
from ..registry import MODELS


def conv3x3(c_in: int, c_out: int, stride: int = 1) -> nn.Conv2d:
    return nn.Conv2d(c_in, c_out, 3, stride=stride, padding=1, bias=False)


def conv1x1(c_in: int, c_out: int, stride: int = 1) -> nn.Conv2d:
    return nn.Conv2d(c_in, c_out, 1, stride=stride, bias=False)


class BasicBlock(nn.Module):
    """Two 3x3 convs (ResNet-18/34)."""
    expansion = 1

    def __init__(self, c_in: int, width: int, *, stride: int, norm_cfg: dict, style: str,
                 with_cp: bool) -> None:
        super().__init__()
        self.with_cp = with_cp
        self.conv1 = conv3x3(c_in, width, stride)
        self.bn1 = build_norm_layer(norm_cfg, width)[1]
        self.conv2 = conv3x3(width, width)
        self.bn2 = build_norm_layer(norm_cfg, width)[1]
        self.relu = nn.ReLU(inplace=True)
        self.downsample = _shortcut(c_in, width, stride, norm_cfg)

    def residual(self, x: torch.Tensor) -> torch.Tensor:
        return self.bn2(self.conv2(self.relu(self.bn1(self.conv1(x)))))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.with_cp and x.requires_grad:
            y = checkpoint(self.residual, x, use_reentrant=False)
        else:
            y = self.residual(x)
        # The shortcut after the branch, added in place: the projection's output never lives
        # beside the branch's temporaries (lower peak memory; the same numbers).
        y += x if self.downsample is None else self.downsample(x)
        return self.relu(y)


class Bottleneck(BasicBlock):
    """1x1 reduce -> 3x3 -> 1x1 expand (ResNet-50/101/152). 'pytorch' style strides in the
    3x3 conv (torchvision, "ResNet v1.5"); 'caffe' style in the first 1x1 (the original)."""
    expansion = 4

    def __init__(self, c_in: int, width: int, *, stride: int, norm_cfg: dict, style: str,
                 with_cp: bool) -> None:
        nn.Module.__init__(self)
        self.with_cp = with_cp
        s1, s3 = (1, stride) if style == 'pytorch' else (stride, 1)
        self.conv1 = conv1x1(c_in, width, s1)
        self.bn1 = build_norm_layer(norm_cfg, width)[1]
        self.conv2 = conv3x3(width, width, s3)
        self.bn2 = build_norm_layer(norm_cfg, width)[1]
        self.conv3 = conv1x1(width, width * 4)
        self.bn3 = build_norm_layer(norm_cfg, width * 4)[1]
        self.relu = nn.ReLU(inplace=True)
        self.downsample = _shortcut(c_in, width * 4, stride, norm_cfg)

    def residual(self, x: torch.Tensor) -> torch.Tensor:
        y = self.relu(self.bn1(self.conv1(x)))
        y = self.relu(self.bn2(self.conv2(y)))
        return self.bn3(self.conv3(y))


def _shortcut(c_in: int, c_out: int, stride: int, norm_cfg: dict) -> nn.Module | None:
    """Projection shortcut where the shape changes (option B of the paper), else identity."""
    if stride == 1 and c_in == c_out:
        return None
    return nn.Sequential(conv1x1(c_in, c_out, stride), build_norm_layer(norm_cfg, c_out)[1])


@MODELS.register_module()
class ResNet(DenseBackbone):
    """ResNet trunk returning C2..C5 (strides 4, 8, 16, 32).

    Args:
        depth: 18, 34, 50, 101 or 152.
        out_indices: which of C2..C5 (0..3) to return.
        frozen_stages: -1 nothing, 0 the stem, k the stem and stages 1..k.
        norm_eval: keep BatchNorm statistics frozen in training (the usual detection setting).
        norm_cfg: mmcv norm config: dict(type='BN'|'SyncBN'|'GN', ...).
        style: 'pytorch' (stride in the 3x3 conv) or 'caffe' (stride in the first 1x1 conv).
        with_cp: gradient checkpointing of every block's residual branch.
        zero_init_residual: start each block's last norm at zero, i.e. every block as the
            identity (Goyal et al. 2017; mmdet's default). Helps long large-batch runs; a run
            of a few hundred steps learns faster without it (torchvision's default).
    """
    arch_settings = {
        18: (BasicBlock, (2, 2, 2, 2)),
        34: (BasicBlock, (3, 4, 6, 3)),
        50: (Bottleneck, (3, 4, 6, 3)),
        101: (Bottleneck, (3, 4, 23, 3)),
        152: (Bottleneck, (3, 8, 36, 3)),
    }

    def __init__(self, *, depth: int = 50, out_indices: Sequence[int] = (0, 1, 2, 3),
                 frozen_stages: int = -1, norm_eval: bool = False,
                 norm_cfg: dict | None = None, style: str = 'pytorch', with_cp: bool = False,
                 zero_init_residual: bool = True, init_cfg: dict | None = None) -> None:
        if depth not in self.arch_settings:
            raise ValueError(f'ResNet: unknown depth {depth!r}; choose one of '
                             f'{sorted(self.arch_settings)}')
        if style not in ('pytorch', 'caffe'):
            raise ValueError(f"ResNet: style must be 'pytorch' or 'caffe', got {style!r}")
        norm_cfg = dict(type='BN', requires_grad=True) if norm_cfg is None else dict(norm_cfg)
        block, depths = self.arch_settings[depth]
        self.zero_init_residual = zero_init_residual
        self.stage_channels = tuple(64 * 2**i * block.expansion for i in range(4))
        self.stage_strides = (4, 8, 16, 32)
        super().__init__(out_indices=out_indices, frozen_stages=frozen_stages,
                         norm_eval=norm_eval, init_cfg=init_cfg)

        # Stem: 7x7 stride-2 conv + 3x3 stride-2 max pool.
        self.conv1 = nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False)
        self.bn1 = build_norm_layer(norm_cfg, 64)[1]
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1)
        c_in = 64
        self.layers = nn.ModuleList()
        for i, n in enumerate(depths):
            blocks = []
            for j in range(n):
                stride = 2 if i > 0 and j == 0 else 1
                blocks.append(block(c_in, 64 * 2**i, stride=stride, norm_cfg=norm_cfg,
                                    style=style, with_cp=with_cp))
                c_in = 64 * 2**i * block.expansion
            self.layers.append(nn.Sequential(*blocks))
        # Only the last returned stage is needed: later ones would cost time and unused params.
        self.layers = self.layers[:max(self.out_indices) + 1]
        self._freeze()

    def _forward(self, x: torch.Tensor) -> tuple[torch.Tensor, ...]:
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        outs = []
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i in self.out_indices:
                outs.append(x)
        return tuple(outs)

    def _stage_modules(self, index: int) -> list[nn.Module]:
        if index == -1:
            return [self.conv1, self.bn1]
        return [self.layers[index]] if index < len(self.layers) else []

    def _lr_stages(self):
        return [self.conv1, self.bn1], [(None, list(layer)) for layer in self.layers]

    def _init_random(self) -> None:
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode='fan_out', nonlinearity='relu')
            elif isinstance(m, (nn.modules.batchnorm._NormBase, nn.GroupNorm)):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
        # Zero the last norm of each residual branch: every block starts as identity.
        for m in self.modules() if self.zero_init_residual else ():
            if isinstance(m, BasicBlock):
                nn.init.zeros_((m.bn3 if isinstance(m, Bottleneck) else m.bn2).weight)

    @staticmethod
    def classifier_keys(state: dict) -> dict:
        """torchvision's / timm's `fc.*` is the classifier's `head.*` (no norm)."""
        return {'head.' + k[3:]: v for k, v in state.items() if k.startswith('fc.')}

    @staticmethod
    def release_state_dict(state: dict) -> dict:
        """torchvision's names: `layers.N.` -> `layerN+1.`, `head.` -> `fc.`."""
        out = {}
        for key, value in state.items():
            key = re.sub(r'^backbone\.layers\.(\d)\.', lambda m: f'layer{int(m[1]) + 1}.', key)
            out[re.sub(r'^(backbone|head)\.', lambda m: '' if m[1] == 'backbone' else 'fc.',
                       key)] = value
        return out

    @staticmethod
    def convert_state_dict(state: dict) -> dict:
        """torchvision and timm ResNets: rename `layerN.` to `layers.N-1.`, drop `fc`."""
        out = {}
        for key, value in state.items():
            if key.startswith('fc.'):
                continue
            if key.startswith('layer') and key[5].isdigit():
                key = f'layers.{int(key[5]) - 1}{key[6:]}'
            out[key] = value
        return out
