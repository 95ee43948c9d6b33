"""What every backbone here shares: declared outputs, their layout, freezing, and pretrained
loading.

A backbone states what it returns (channels and stride per output, derived when it is built,
in the spirit of detectron2's `output_shape()`), so that necks can be checked against it.

Layout contract: every output is a contiguous NCHW tensor (`torch.contiguous_format`),
whatever the memory format of the input or of the model's weights. Inside, a backbone may run
in any layout (ConvNeXt's LayerNorms permute to NHWC and leave channels_last strides behind,
which is what makes them fast), but what leaves it is consumed by code that reads raw memory
as NCHW: mmcv's RoIAlign (mmdet's bbox and mask RoI extractors) silently scrambles a
channels_last-strided map. `DenseBackbone.forward` enforces the contract once for all
subclasses, which implement `_forward`; a copy is made only where an output is not
contiguous already (four small maps per image for ConvNeXt, nothing for ResNet on NCHW input).
"""
from __future__ import annotations

from typing import Sequence

import torch
from mmengine.model import BaseModule
from torch import nn
from torch.nn.modules.batchnorm import _BatchNorm

from ..weights.io import load_pretrained


class DropPath(nn.Module):
    """Stochastic depth: during training, drop a residual branch for a whole sample with
    probability `drop_prob` and scale the kept ones by 1 / (1 - drop_prob) (timm's, draw for
    draw, so that seeded runs give the same numbers; kept here so importing a backbone does
    not import timm, a second of every tool's start)."""

    def __init__(self, drop_prob: float) -> None:
        super().__init__()
        self.drop_prob = drop_prob

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.drop_prob == 0.0 or not self.training:
            return x
        keep = x.new_empty((x.shape[0],) + (1,) * (x.ndim - 1)).bernoulli_(1 - self.drop_prob)
        return x * keep.div_(1 - self.drop_prob)

    def extra_repr(self) -> str:
        return f'drop_prob={self.drop_prob:.3f}'


def lr_layer_id(stage: int, block: int, decay_type: str, num_layers: int) -> int:
    """The official ConvNeXt rule (its detection and segmentation code, V1 and V2) for block
    `block` of stage `stage` (0-3); the stem is layer 0. stage_wise: stage i -> i + 1.
    layer_wise: stage 0 -> 1, stage 1 -> 2, stage 2's blocks three to an id from 3, stage 3
    -> num_layers. Three to an id fills ids 3 .. num_layers - 1 exactly for the paper's
    depths (9 blocks with 6 layers, 27 with 12); a deeper stage 2 than num_layers allows
    shares the last id rather than reach the neck's."""
    if decay_type == 'stage_wise':
        return stage + 1
    return (1, 2, min(3 + block // 3, num_layers - 1), num_layers)[stage]


def downsample_layer_id(stage: int, decay_type: str, num_layers: int) -> int:
    """The id of the downsampling layer before stage `stage` (stage 0's is the stem): its
    stage's first id, layer_wise; 0, with the stem, stage_wise."""
    if decay_type == 'stage_wise' or stage == 0:
        return 0
    return lr_layer_id(stage, 0, decay_type, num_layers)


class DenseBackbone(BaseModule):
    """Base class: subclasses set `stage_channels`, `stage_strides` and build their layers.

    Subclasses implement `_forward(x)` (the outputs in `out_indices` order, in any layout),
    `_stage_modules(i)` (modules of stage i, stem is stage -1 only for
    freezing) and the static `convert_state_dict(state)` that maps foreign weight names.
    """
    num_stages = 4
    stage_channels: tuple[int, ...]
    stage_strides: tuple[int, ...]

    def __init__(self, *, out_indices: Sequence[int], frozen_stages: int,
                 norm_eval: bool = False, init_cfg: dict | None = None) -> None:
        super().__init__(init_cfg=init_cfg)
        out_indices = tuple(out_indices)
        bad = [i for i in out_indices if not isinstance(i, int) or not 0 <= i < self.num_stages]
        if not out_indices or bad or len(set(out_indices)) != len(out_indices):
            raise ValueError(
                f'{type(self).__name__}: out_indices={out_indices!r} is invalid; it must be a '
                f'non-empty subset of {tuple(range(self.num_stages))} without repeats')
        if not -1 <= frozen_stages <= self.num_stages:
            raise ValueError(f'{type(self).__name__}: frozen_stages={frozen_stages} must lie in '
                             f'-1 (nothing frozen) .. {self.num_stages}')
        self.out_indices = tuple(sorted(out_indices))
        self.frozen_stages = frozen_stages
        self.norm_eval = norm_eval

    @property
    def out_channels(self) -> list[int]:
        """Channels of each output, in the order of `out_indices`."""
        return [self.stage_channels[i] for i in self.out_indices]

    @property
    def out_strides(self) -> list[int]:
        """Stride (input pixels per output pixel) of each output, in `out_indices` order."""
        return [self.stage_strides[i] for i in self.out_indices]

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """The outputs in `out_indices` order, each contiguous NCHW (the layout contract)."""
        return tuple(out.contiguous() for out in self._forward(x))

    def _forward(self, x: torch.Tensor) -> tuple[torch.Tensor, ...]:
        raise NotImplementedError

    def _stage_outputs(self, x: torch.Tensor, downsamples: nn.ModuleList, stages: nn.ModuleList,
                       norms: nn.ModuleDict) -> tuple[torch.Tensor, ...]:
        """Each stage after its downsampling layer; the outputs in `out_indices`, through
        their own LayerNorm where `norms` has one (ConvNeXt's and RoadmapNet's forward)."""
        outs = []
        for i, (downsample, stage) in enumerate(zip(downsamples, stages)):
            x = stage(downsample(x))
            if i in self.out_indices:
                outs.append(norms[str(i)](x) if norms else x)
        return tuple(outs)

    # -- freezing ------------------------------------------------------------------------
    def _frozen_modules(self) -> list[nn.Module]:
        """frozen_stages: -1 nothing, 0 the stem, k the stem and stages 1..k (mmdet's rule)."""
        return [m for i in range(-1, self.frozen_stages) for m in self._stage_modules(i)]

    def _stage_modules(self, index: int) -> list[nn.Module]:
        raise NotImplementedError

    def _freeze(self) -> None:
        for module in self._frozen_modules():
            module.eval()
            for param in module.parameters():
                param.requires_grad = False

    def train(self, mode: bool = True) -> 'DenseBackbone':
        super().train(mode)
        self._freeze()
        if mode and self.norm_eval:
            for module in self.modules():
                if isinstance(module, _BatchNorm):
                    module.eval()
        return self

    # -- layer-wise lr decay -------------------------------------------------------------
    def _lr_stages(self) -> tuple[list[nn.Module], list[tuple[nn.Module | None, list[nn.Module]]]]:
        """The stem's modules, and per stage (its downsampling layer or None, its blocks)."""
        raise NotImplementedError

    def lr_layer_ids(self, decay_type: str, num_layers: int) -> dict[int, int]:
        """{id(parameter): layer id} for the backbone's parameters (backbones.engine.optim):
        the stem 0, each stage's blocks `lr_layer_id`, its downsampling layer
        `downsample_layer_id`. Parameters not listed (the per-output norms, as in the official
        code) share id num_layers + 1 with the neck and heads."""
        if num_layers < 4:
            raise ValueError(f'layer-wise lr decay needs num_layers >= 4, got {num_layers}')
        stem, stages = self._lr_stages()
        pairs = [(m, 0) for m in stem]
        for i, (downsample, blocks) in enumerate(stages):
            for j, block in enumerate(blocks):
                pairs.append((block, lr_layer_id(i, j, decay_type, num_layers)))
            if downsample is not None:
                pairs.append((downsample, downsample_layer_id(i, decay_type, num_layers)))
        return {id(p): layer for m, layer in pairs for p in m.parameters()}

    # -- the ImageNet classifier around the trunk (backbones.ImageClassifier) ------------
    def classifier_norm(self) -> nn.Module | None:
        """The norm the released classifier applies after global pooling (None: none)."""
        return None

    @staticmethod
    def classifier_keys(state: dict) -> dict:
        """The classifier's own tensors of a release state dict, under the classifier's names
        (`norm.*`, `head.*`); the trunk's are `convert_state_dict`'s."""
        return {k: v for k, v in state.items() if k.startswith(('norm.', 'head.'))}

    @staticmethod
    def release_state_dict(state: dict) -> dict:
        """The classifier's state dict (`backbone.*`, `norm.*`, `head.*`) under the names of
        this backbone's official release (the inverse of the two methods above)."""
        return {k.removeprefix('backbone.'): v for k, v in state.items()}

    release_wrapper: str | None = None  # the key the release file nests its tensors under

    # -- weights -------------------------------------------------------------------------
    @staticmethod
    def convert_state_dict(state: dict) -> dict:
        raise NotImplementedError

    def _init_random(self) -> None:
        raise NotImplementedError

    def init_weights(self) -> None:
        """Random init, then `init_cfg=dict(type='Pretrained', checkpoint=PATH)` if given.

        Pretrained loading is ours, not MMEngine's: keys are converted from the known
        release formats and the file is read weights-only unless `weights_only=False`.
        """
        cfg = dict(self.init_cfg or {})
        self._init_random()
        if cfg.get('type') == 'Pretrained':
            unknown = set(cfg) - {'type', 'checkpoint', 'weights_only'}
            if unknown or 'checkpoint' not in cfg:
                raise ValueError(f'{type(self).__name__}: init_cfg Pretrained takes '
                                 f"'checkpoint' and optional 'weights_only', got {sorted(cfg)}")
            load_pretrained(self, cfg['checkpoint'], convert=self.convert_state_dict,
                            weights_only=cfg.get('weights_only', True))
        elif cfg:
            super().init_weights()
        self._is_init = True
