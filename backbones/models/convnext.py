"""ConvNeXt ("A ConvNet for the 2020s", Liu et al. 2022) as a multi-scale backbone.

Weight names follow the official release (`downsample_layers`, `stages`, `dwconv`, ...), so
its checkpoints load as they are; timm's names are mapped by `convert_state_dict`.
"""
from __future__ import annotations

from typing import Sequence

import torch
import torch.nn.functional as F
from timm.layers import DropPath, trunc_normal_
from torch import nn
from torch.utils.checkpoint import checkpoint

from .base import DenseBackbone
from ..registry import MODELS


class LayerNorm2d(nn.LayerNorm):
    """LayerNorm over the channels of an NCHW tensor.

    The official code normalises channels-first by hand (mean, var, sqrt: five kernels and
    their temporaries); permuting to NHWC and calling the fused F.layer_norm computes the same
    and is faster (see tools/benchmark.py). With channels_last input the permute is free.
    The result has NCHW shape but channels_last strides; the convs after it keep running
    channels_last, and the backbone's outputs are made contiguous at its boundary
    (`DenseBackbone.forward`, the layout contract in backbones/models/base.py).
    """

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.permute(0, 2, 3, 1)
        x = F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)
        return x.permute(0, 3, 1, 2)


class Block(nn.Module):
    """dwconv 7x7 -> LN -> 1x1 (4x) -> GELU -> 1x1 -> layer scale -> drop path, plus x.

    The 1x1 convs are Linear layers on NHWC: one permute each way instead of two convs.
    """

    def __init__(self, dim: int, *, drop_path: float, layer_scale_init_value: float) -> None:
        super().__init__()
        self.dwconv = nn.Conv2d(dim, dim, kernel_size=7, padding=3, groups=dim)
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.pwconv1 = nn.Linear(dim, 4 * dim)
        self.act = nn.GELU()
        self.pwconv2 = nn.Linear(4 * dim, dim)
        self.gamma = (nn.Parameter(torch.full((dim,), layer_scale_init_value))
                      if layer_scale_init_value > 0 else None)
        self.drop_path = DropPath(drop_path) if drop_path > 0 else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.dwconv(x).permute(0, 2, 3, 1)
        y = self.pwconv2(self.act(self.pwconv1(self.norm(y))))
        if self.gamma is not None:
            y = y * self.gamma
        return x + self.drop_path(y.permute(0, 3, 1, 2))


class Stage(nn.Sequential):
    """Blocks of one resolution; `with_cp` recomputes each block in backward to save memory."""

    def __init__(self, blocks: Sequence[Block], *, with_cp: bool) -> None:
        super().__init__(*blocks)
        self.with_cp = with_cp

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for block in self:
            if self.with_cp and x.requires_grad:
                x = checkpoint(block, x, use_reentrant=False)
            else:
                x = block(x)
        return x


@MODELS.register_module()
class ConvNeXt(DenseBackbone):
    """ConvNeXt trunk returning normalised features at strides 4, 8, 16 and 32.

    Args:
        arch: a name from `arch_settings` or dict(depths=[...], channels=[...]) of 4 each.
        out_indices: which stages to return (0..3); each gets its own LayerNorm.
        drop_path_rate: stochastic depth of the last block, rising linearly from 0.
        layer_scale_init_value: initial layer scale (0 disables layer scale).
        frozen_stages: -1 nothing, 0 the stem, k the stem and stages 1..k.
        with_cp: gradient checkpointing of every block.
        norm_outputs: give each output its LayerNorm (dense prediction). False for the
            ImageNet classifier's trunk, whose LayerNorm follows the pooling.
    """
    arch_settings = {
        'tiny': dict(depths=(3, 3, 9, 3), channels=(96, 192, 384, 768)),
        'small': dict(depths=(3, 3, 27, 3), channels=(96, 192, 384, 768)),
        'base': dict(depths=(3, 3, 27, 3), channels=(128, 256, 512, 1024)),
        'large': dict(depths=(3, 3, 27, 3), channels=(192, 384, 768, 1536)),
        'xlarge': dict(depths=(3, 3, 27, 3), channels=(256, 512, 1024, 2048)),
    }

    def __init__(self, *, arch: str | dict = 'tiny', out_indices: Sequence[int] = (0, 1, 2, 3),
                 drop_path_rate: float = 0.0, layer_scale_init_value: float = 1e-6,
                 frozen_stages: int = -1, with_cp: bool = False, norm_outputs: bool = True,
                 init_cfg: dict | None = None) -> None:
        depths, channels = self._parse_arch(arch)
        self.stage_channels = channels
        self.stage_strides = (4, 8, 16, 32)
        super().__init__(out_indices=out_indices, frozen_stages=frozen_stages, init_cfg=init_cfg)

        # Stem: 4x4 stride-4 "patchify" conv; later stages open with LN + 2x2 stride-2 conv.
        self.downsample_layers = nn.ModuleList([nn.Sequential(
            nn.Conv2d(3, channels[0], kernel_size=4, stride=4), LayerNorm2d(channels[0], eps=1e-6))])
        for c_in, c_out in zip(channels[:-1], channels[1:]):
            self.downsample_layers.append(nn.Sequential(
                LayerNorm2d(c_in, eps=1e-6), nn.Conv2d(c_in, c_out, kernel_size=2, stride=2)))

        # Stochastic depth rises linearly over all blocks (plain floats: builds on 'meta' too).
        total = sum(depths)
        rates = [drop_path_rate * k / max(total - 1, 1) for k in range(total)]
        self.stages = nn.ModuleList()
        for depth, dim in zip(depths, channels):
            blocks = [Block(dim, drop_path=rates.pop(0), layer_scale_init_value=layer_scale_init_value)
                      for _ in range(depth)]
            self.stages.append(Stage(blocks, with_cp=with_cp))

        # Stages after the last returned one would only cost time: leave them out.
        last = max(self.out_indices) + 1
        self.downsample_layers, self.stages = self.downsample_layers[:last], self.stages[:last]

        # Dense prediction: every returned map gets its own LayerNorm (the classifier's final
        # norm and head are not part of the trunk).
        self.out_norms = nn.ModuleDict(
            {str(i): LayerNorm2d(channels[i], eps=1e-6) for i in self.out_indices}
            if norm_outputs else {})
        self._freeze()

    @classmethod
    def _parse_arch(cls, arch: str | dict) -> tuple[tuple[int, ...], tuple[int, ...]]:
        if isinstance(arch, str):
            if arch not in cls.arch_settings:
                raise ValueError(f'ConvNeXt: unknown arch {arch!r}; choose one of '
                                 f'{sorted(cls.arch_settings)} or give dict(depths=, channels=)')
            arch = cls.arch_settings[arch]
        if not (isinstance(arch, dict) and set(arch) == {'depths', 'channels'}
                and len(arch['depths']) == 4 and len(arch['channels']) == 4):
            raise ValueError(f'ConvNeXt: arch dict must be dict(depths=[4 ints], channels=[4 ints]), '
                             f'got {arch!r}')
        return tuple(arch['depths']), tuple(arch['channels'])

    def _forward(self, x: torch.Tensor) -> tuple[torch.Tensor, ...]:
        # downsample_layers[0] is the stem: stage i runs after downsample_layers[i]
        return self._stage_outputs(x, self.downsample_layers, self.stages, self.out_norms)

    def _stage_modules(self, index: int) -> list[nn.Module]:
        if index == -1:
            return [self.downsample_layers[0]]
        if index >= len(self.stages):
            return []
        mods = [self.stages[index]] + ([self.downsample_layers[index]] if index else [])
        return mods + ([self.out_norms[str(index)]] if str(index) in self.out_norms else [])

    def _lr_stages(self):
        stages = [(d if i else None, list(s))
                  for i, (d, s) in enumerate(zip(self.downsample_layers, self.stages))]
        return [self.downsample_layers[0]], stages

    def _init_random(self) -> None:
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                trunc_normal_(m.weight, std=0.02)
                nn.init.zeros_(m.bias)

    def classifier_norm(self) -> nn.Module:
        # official: features -> global average pool -> LayerNorm -> Linear
        return nn.LayerNorm(self.stage_channels[-1], eps=1e-6)

    release_wrapper = 'model'  # the official files: {'model': state dict}

    @staticmethod
    def classifier_keys(state: dict) -> dict:
        """Official `norm.*` / `head.*`; timm's `head.norm.*` / `head.fc.*`."""
        if 'stem.0.weight' in state:  # timm
            return {k.replace('head.fc.', 'head.').replace('head.norm.', 'norm.'): v
                    for k, v in state.items() if k.startswith(('head.norm.', 'head.fc.'))}
        return DenseBackbone.classifier_keys(state)

    @staticmethod
    def convert_state_dict(state: dict) -> dict:
        """Map timm's or the official release's names to ours; drop the classifier head."""
        if 'stem.0.weight' in state:  # timm
            state = {_timm_to_official(k): v for k, v in state.items()}
        out = {}
        for key, value in state.items():
            if key.startswith(('head.', 'norm.')):  # classifier's final norm and fc
                continue
            if key.startswith('norm') and key[4].isdigit():  # official detection/seg outputs
                key = f'out_norms.{key[4]}{key[5:]}'
            out[key] = value
        return out


_TIMM_RENAMES = (('.conv_dw.', '.dwconv.'), ('.mlp.fc1.', '.pwconv1.'), ('.mlp.fc2.', '.pwconv2.'))


def _timm_to_official(key: str) -> str:
    """stem.* -> downsample_layers.0.*; stages.i.downsample.* -> downsample_layers.i.*;
    stages.i.blocks.j.conv_dw -> stages.i.j.dwconv (and mlp.fc1/2 -> pwconv1/2)."""
    if key.startswith('stem.'):
        return 'downsample_layers.0.' + key[len('stem.'):]
    parts = key.split('.')
    if parts[0] == 'stages' and parts[2] == 'downsample':
        return '.'.join(['downsample_layers', parts[1]] + parts[3:])
    if parts[0] == 'stages' and parts[2] == 'blocks':
        key = '.'.join(['stages', parts[1]] + parts[3:])
        for old, new in _TIMM_RENAMES:
            key = key.replace(old, new)
    return key
