"""ConvNeXt ("A ConvNet for the 2020s", Liu et al. 2022) and ConvNeXt V2 ("Co-designing and
Scaling ConvNets with Masked Autoencoders", Woo et al. 2023) as one multi-scale backbone.

V2 is V1's block with a global response normalisation (GRN) after the GELU and no layer
scale; its sizes are the `v2-*` rows of the arch table. DINOv3's ConvNeXt is V1's model
(its T/S/B/L rows), released with other weights.

Weight names follow the official releases (`downsample_layers`, `stages`, `dwconv`, ...), so
their checkpoints load as they are; `convert_state_dict` maps the other formats (timm's and
mmpretrain's names, V2's FCMAE pretraining files, DINOv3's files).
"""
from __future__ import annotations

import math
from typing import Sequence

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.checkpoint import checkpoint

from mmengine.logging import MMLogger

from .base import DenseBackbone, DropPath
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


class GRN(nn.Module):
    """V2's global response normalisation on NHWC: each channel's spatial L2 norm over the
    channels' mean scales it, so channels compete (V2's cure for V1's dead or saturated
    channels under masked pretraining). Starts as the identity (gamma = beta = 0); the
    parameters keep the release's (1, 1, 1, C) shape, so its files load and export as they are.
    """

    def __init__(self, dim: int) -> None:
        super().__init__()
        self.gamma = nn.Parameter(torch.zeros(1, 1, 1, dim))
        self.beta = nn.Parameter(torch.zeros(1, 1, 1, dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        gx = torch.linalg.vector_norm(x, dim=(1, 2), keepdim=True)
        nx = gx / (gx.mean(dim=-1, keepdim=True) + 1e-6)
        return self.gamma * (x * nx) + self.beta + x


class Block(nn.Module):
    """dwconv 7x7 -> LN -> 1x1 (4x) -> GELU [-> GRN] -> 1x1 [-> layer scale] -> drop path, + x.

    The 1x1 convs are Linear layers on NHWC: one permute each way instead of two convs.
    V1 has layer scale and no GRN; V2 (`grn=True`) the other way round.
    """

    def __init__(self, dim: int, *, drop_path: float, layer_scale_init_value: float,
                 grn: bool = False) -> None:
        super().__init__()
        self.dwconv = nn.Conv2d(dim, dim, kernel_size=7, padding=3, groups=dim)
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.pwconv1 = nn.Linear(dim, 4 * dim)
        self.act = nn.GELU()
        self.grn = GRN(4 * dim) if grn else None
        self.pwconv2 = nn.Linear(4 * dim, dim)
        self.gamma = (nn.Parameter(torch.full((dim,), layer_scale_init_value))
                      if layer_scale_init_value > 0 and not grn else None)
        self.drop_path = DropPath(drop_path) if drop_path > 0 else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.act(self.pwconv1(self.norm(self.dwconv(x).permute(0, 2, 3, 1))))
        y = self.pwconv2(self.grn(y) if self.grn is not None else y)
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
    """ConvNeXt (V1 or V2) trunk returning normalised features at strides 4, 8, 16 and 32.

    Args:
        arch: a name from `arch_settings` ('tiny'.. 'xlarge' for V1 and DINOv3's,
            'v2-atto'.. 'v2-huge' for V2) or dict(depths=[...], channels=[...][, grn=True]).
        out_indices: which stages to return (0..3); each gets its own LayerNorm.
        drop_path_rate: stochastic depth of the last block, rising linearly from 0.
        layer_scale_init_value: initial layer scale (0 disables it); V2 blocks have none.
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
        # V2 (facebookresearch/ConvNeXt-V2, models/convnextv2.py): GRN, no layer scale
        'v2-atto': dict(depths=(2, 2, 6, 2), channels=(40, 80, 160, 320), grn=True),
        'v2-femto': dict(depths=(2, 2, 6, 2), channels=(48, 96, 192, 384), grn=True),
        'v2-pico': dict(depths=(2, 2, 6, 2), channels=(64, 128, 256, 512), grn=True),
        'v2-nano': dict(depths=(2, 2, 8, 2), channels=(80, 160, 320, 640), grn=True),
        'v2-tiny': dict(depths=(3, 3, 9, 3), channels=(96, 192, 384, 768), grn=True),
        'v2-base': dict(depths=(3, 3, 27, 3), channels=(128, 256, 512, 1024), grn=True),
        'v2-large': dict(depths=(3, 3, 27, 3), channels=(192, 384, 768, 1536), grn=True),
        'v2-huge': dict(depths=(3, 3, 27, 3), channels=(352, 704, 1408, 2816), grn=True),
    }

    def __init__(self, *, arch: str | dict = 'tiny', out_indices: Sequence[int] = (0, 1, 2, 3),
                 drop_path_rate: float = 0.0, layer_scale_init_value: float = 1e-6,
                 frozen_stages: int = -1, with_cp: bool = False, norm_outputs: bool = True,
                 init_cfg: dict | None = None) -> None:
        depths, channels, grn = self._parse_arch(arch)
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
            blocks = [Block(dim, drop_path=rates.pop(0), layer_scale_init_value=layer_scale_init_value,
                            grn=grn) for _ in range(depth)]
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
    def _parse_arch(cls, arch: str | dict) -> tuple[tuple[int, ...], tuple[int, ...], bool]:
        if isinstance(arch, str):
            if arch not in cls.arch_settings:
                raise ValueError(f'ConvNeXt: unknown arch {arch!r}; choose one of '
                                 f'{list(cls.arch_settings)} or give dict(depths=, channels=)')
            arch = cls.arch_settings[arch]
        if not (isinstance(arch, dict) and {'depths', 'channels'} <= set(arch)
                <= {'depths', 'channels', 'grn'} and len(arch['depths']) == 4
                and len(arch['channels']) == 4):
            raise ValueError('ConvNeXt: arch dict must be dict(depths=[4 ints], channels=[4 ints]'
                             f'[, grn=True for V2]), got {arch!r}')
        return tuple(arch['depths']), tuple(arch['channels']), bool(arch.get('grn', False))

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
                nn.init.trunc_normal_(m.weight, std=0.02)
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
        """Map any known release format to our names (`to_official`); drop the classifier's
        final norm and head; the official dense files' `norm{i}` are our `out_norms.{i}`."""
        out = {}
        for key, value in to_official(state).items():
            if key.startswith(('head.', 'norm.')):
                continue
            if key.startswith('norm') and key[4].isdigit():
                key = f'out_norms.{key[4]}{key[5:]}'
            out[key] = value
        return out


# -- weight formats -------------------------------------------------------------------------
_RENAMES = {  # timm's and mmpretrain's block names -> the official ones
    '.conv_dw.': '.dwconv.', '.mlp.fc1.': '.pwconv1.', '.mlp.fc2.': '.pwconv2.',
    '.mlp.grn.weight': '.grn.gamma', '.mlp.grn.bias': '.grn.beta',
    '.depthwise_conv.': '.dwconv.', '.pointwise_conv1.': '.pwconv1.',
    '.pointwise_conv2.': '.pwconv2.'}


def to_official(state: dict) -> dict:
    """A ConvNeXt state dict in any known format, under the official release's names and
    shapes: timm's names (`stem`, `stages.i.blocks`, `mlp.fc1`, `mlp.grn.weight`),
    mmpretrain's (`depthwise_conv`, `pointwise_conv1`), V2's FCMAE pretraining files
    (`encoder.*` in MinkowskiEngine's layouts beside the decoder, which is dropped and said so)
    and DINOv3's files (whose `norms.3` is the final `norm` again, so it is dropped with it).
    1x1-conv MLP weights become Linear ones and GRN parameters take the (1, 1, 1, C) shape."""
    if any(k.startswith('encoder.') for k in state):
        state = _fcmae_encoder(state)
    state = {_timm_to_official(k): v for k, v in state.items()
             if not k.startswith('norms.')}  # DINOv3: norms.0-2 are identities, norms.3 is norm
    out = {}
    for key, value in state.items():
        for old, new in _RENAMES.items():
            key = key.replace(old, new)
        if '.grn.' in key:
            value = value.reshape(1, 1, 1, -1)
        elif '.pwconv' in key and value.ndim == 4:  # timm's conv_mlp, mmpretrain's Conv2d
            value = value.flatten(1)
        elif key.endswith('.bias') and value.ndim == 2:  # MinkowskiEngine's (1, C) biases
            value = value.reshape(-1)
        out[key] = value
    return out


def _fcmae_encoder(state: dict) -> dict:
    """The encoder of a V2 FCMAE pretraining file under dense names and layouts (the official
    `remap_checkpoint_keys`): sparse kernels (k*k, in, out) and depthwise (k*k, C) become conv
    weights, MinkowskiEngine's `.ln.` / `.linear.` wrappers go."""
    decoder = sorted({k.split('.')[0] for k in state if not k.startswith('encoder.')})
    MMLogger.get_current_instance().info(
        'ConvNeXt V2 FCMAE file: loading its encoder; not loaded (the pretraining decoder): '
        + ', '.join(f'{name}*' for name in decoder))
    out = {}
    for key, value in state.items():
        if not key.startswith('encoder.'):
            continue
        key = key[len('encoder.'):].replace('.ln.', '.').replace('.linear.', '.')
        if key.endswith('.kernel'):
            key = key[:-len('kernel')] + 'weight'
            k = math.isqrt(value.shape[0])
            if value.ndim == 3:  # a stride-2 downsampling conv: (k*k, in, out)
                value = value.permute(2, 1, 0).reshape(value.shape[2], value.shape[1], k, k)
            else:  # depthwise: (k*k, C)
                value = value.permute(1, 0).reshape(value.shape[1], 1, k, k)
            value = value.transpose(3, 2).contiguous()
        out[key] = value
    return out


def _timm_to_official(key: str) -> str:
    """stem.* -> downsample_layers.0.*; stages.i.downsample.* -> downsample_layers.i.*;
    stages.i.blocks.j.* -> stages.i.j.* (block names: `to_official`)."""
    if key.startswith('stem.'):
        return 'downsample_layers.0.' + key[len('stem.'):]
    parts = key.split('.')
    if parts[0] == 'stages' and parts[2] == 'downsample':
        return '.'.join(['downsample_layers', parts[1]] + parts[3:])
    if parts[0] == 'stages' and parts[2] == 'blocks':
        return '.'.join(['stages', parts[1]] + parts[3:])
    return key
