"""Checkpoint conversion: recognise a release format, map its keys, check them on a model."""
from __future__ import annotations

import os
import re

from ..weights.io import CheckpointError, read_state_dict, save_atomic
from .convnext import ConvNeXt
from .resnet import ResNet


def infer_backbone(state: dict) -> tuple[type, dict]:
    """Which backbone class and constructor arguments a native-named state dict belongs to."""
    if 'downsample_layers.0.0.weight' in state:
        channels = tuple(state[f'downsample_layers.{i}.{int(i > 0)}.weight'].shape[0]
                         for i in range(4) if f'downsample_layers.{i}.{int(i > 0)}.weight' in state)
        depths = _count_blocks(state, r'stages\.(\d+)\.(\d+)\.')
        grn = any('.grn.' in k for k in state)  # V2
        arch = dict(depths=depths, channels=channels, **({'grn': True} if grn else {}))
        named = [n for n in ConvNeXt.arch_settings
                 if ConvNeXt._parse_arch(n) == ConvNeXt._parse_arch(arch)]
        return ConvNeXt, dict(arch=named[0] if named else arch,
                              out_indices=tuple(range(len(channels))))
    if 'conv1.weight' in state and 'layers.0.0.conv1.weight' in state:
        depths = _count_blocks(state, r'layers\.(\d+)\.(\d+)\.')
        bottleneck = 'layers.0.0.conv3.weight' in state
        for depth, (block, arch_depths) in ResNet.arch_settings.items():
            if arch_depths[:len(depths)] == depths and (block.expansion == 4) == bottleneck:
                return ResNet, dict(depth=depth, out_indices=tuple(range(len(depths))))
        raise CheckpointError(f'ResNet blocks per stage {depths} match no known depth')
    raise CheckpointError('not a ConvNeXt or ResNet checkpoint in a known format '
                          f'(first keys: {sorted(state)[:3]})')


def _count_blocks(state: dict, pattern: str) -> tuple[int, ...]:
    last: dict[int, int] = {}
    for key in state:
        m = re.match(pattern, key)
        if m:
            stage, block = int(m.group(1)), int(m.group(2))
            last[stage] = max(last.get(stage, 0), block + 1)
    return tuple(last[i] for i in sorted(last))


def convert_checkpoint(src: str | os.PathLike, dst: str | os.PathLike, *,
                       weights_only: bool = True) -> dict:
    """Convert `src` (official ConvNeXt, timm, torchvision) to our names and save to `dst`.

    The converted weights are loaded into the inferred model first, so a file that does not
    fit fails before anything is written. Returns a summary (backbone, arch, missing keys).
    """
    raw = read_state_dict(src, weights_only=weights_only)
    convnext = ('stem.', 'downsample_layers.', 'encoder.downsample_layers.')  # timm, official, FCMAE
    fmt_cls = ConvNeXt if any(k.startswith(convnext) for k in raw) else ResNet
    state = fmt_cls.convert_state_dict(raw)
    cls, kwargs = infer_backbone(state)
    model = cls(**kwargs)
    result = model.load_state_dict(state, strict=False)
    if result.unexpected_keys:
        raise CheckpointError(f'{src}: keys left over after conversion to {cls.__name__}: '
                              + ', '.join(result.unexpected_keys))
    save_atomic({'state_dict': state, 'meta': {'source': os.fspath(src),
                                               'backbone': cls.__name__,
                                               'arch': repr(kwargs)}}, dst)
    return dict(backbone=cls.__name__, kwargs=kwargs, tensors=len(state),
                missing=list(result.missing_keys))
