"""Layer-wise learning-rate decay (the ConvNeXt paper's detection/segmentation recipe).

Parameters get a layer id; the lr scale of id i is decay_rate ** (num_layers + 1 - i), so
everything outside the backbone (neck, heads; id num_layers + 1) keeps the base lr and the
stem learns slowest. The ids follow one rule, the official ConvNeXt code's
(`models.base.lr_layer_id`), the one the published recipes were tuned with. Our backbones
apply it to their own module structure (`DenseBackbone.lr_layer_ids`), never to
parameter-name prefixes; a ConvNeXt from another library that keeps the official parameter
names (`downsample_layers.i.*`, `stages.i.j.*`: mmpretrain's, mmdet's and mmseg's configs
use it) gets it through those names (`official_layer_id`). As in the official
code, 1-D parameters and biases get no weight decay, nor do ConvNeXt V2's GRN parameters
(the official V2 code exempts them, though they are stored as (1, 1, 1, C)).

`AutocastOptimWrapper` runs the training forward under torch.autocast in bfloat16, on the CPU
too, where MMEngine's AmpOptimWrapper refuses to start (it is for GPUs and their fp16 loss
scaling, which bfloat16 does not need), and only where the device computes bfloat16 natively
(`autocast_unsupported`): elsewhere it trains in float32 and logs why.
"""
from __future__ import annotations

from contextlib import contextmanager

import torch
from mmengine.logging import MMLogger
from mmengine.optim import DefaultOptimWrapperConstructor, OptimWrapper
from torch import nn

from ..models.base import DenseBackbone, downsample_layer_id, lr_layer_id
from ..models.convnext import GRN
from . import precision
from ..registry import OPTIM_WRAPPER_CONSTRUCTORS, OPTIM_WRAPPERS


@OPTIM_WRAPPERS.register_module()
class AutocastOptimWrapper(OptimWrapper):
    """OptimWrapper whose `optim_context` (the training forward and loss) runs under
    torch.autocast(device of the model, `dtype`) where that device computes `dtype` natively,
    and in float32 elsewhere (one log line says why). Parameters, gradients, the optimizer's
    state and evaluation stay float32; bfloat16 keeps float32's exponent range, so no loss
    scaling. On a 2-core AVX-512 CPU with native bfloat16 it made a ConvNeXt-T training step of
    32 48x48 images 1.4x faster (0.50 vs 0.71 s, docs/demo.md "Why ConvNeXt-T's pretraining
    stalled")."""

    def __init__(self, *, dtype: str = 'bfloat16', **kwargs) -> None:
        super().__init__(**kwargs)
        if dtype not in ('bfloat16', 'float16'):
            raise ValueError(f"optim_wrapper.dtype={dtype!r}: use 'bfloat16' or 'float16'")
        self.dtype = getattr(torch, dtype)
        self._device_dtype: dict[str, torch.dtype | None] = {}  # decided once per device

    def autocast_dtype(self, device: str) -> torch.dtype | None:
        """The dtype the forward runs in on `device` (None: float32, autocast off)."""
        if device not in self._device_dtype:
            reason = precision.autocast_unsupported(device, self.dtype)
            if reason:
                MMLogger.get_current_instance().warning(
                    f'AutocastOptimWrapper: training in float32, not {self.dtype}: {reason}')
            self._device_dtype[device] = None if reason else self.dtype
        return self._device_dtype[device]

    @contextmanager
    def optim_context(self, model: nn.Module):
        device = next(model.parameters()).device.type
        dtype = self.autocast_dtype(device)
        with super().optim_context(model), torch.autocast(device, dtype=dtype or torch.float32,
                                                          enabled=dtype is not None):
            yield


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class LayerDecayOptimWrapperConstructor(DefaultOptimWrapperConstructor):
    """paramwise_cfg: decay_rate (float), decay_type ('layer_wise'|'stage_wise'),
    num_layers (int, the official configs' value: 6 for ConvNeXt-T, 12 for S/B)."""

    def add_params(self, params: list[dict], module: nn.Module, prefix: str = '', **kwargs) -> None:
        cfg = dict(self.paramwise_cfg)
        missing = {'decay_rate', 'decay_type', 'num_layers'} - set(cfg)
        if missing:
            raise ValueError(f'optim_wrapper.paramwise_cfg lacks {sorted(missing)} needed by '
                             'LayerDecayOptimWrapperConstructor')
        decay_rate, decay_type, num_layers = cfg['decay_rate'], cfg['decay_type'], cfg['num_layers']
        if decay_type not in ('layer_wise', 'stage_wise'):
            raise ValueError(f"optim_wrapper.paramwise_cfg.decay_type={decay_type!r}: "
                             "use 'layer_wise' or 'stage_wise'")
        ids = _layer_ids(getattr(module, 'backbone', module), decay_type, num_layers)
        grn = {id(p) for m in module.modules() if isinstance(m, GRN) for p in m.parameters()}
        groups: dict[tuple[int, bool], dict] = {}
        for name, param in module.named_parameters():
            if not param.requires_grad:
                continue
            layer = ids.get(id(param), num_layers + 1)
            no_decay = param.ndim == 1 or name.endswith('.bias') or id(param) in grn
            group = groups.setdefault((layer, no_decay), dict(
                params=[], param_names=[], layer_id=layer,
                lr=self.base_lr * decay_rate ** (num_layers + 1 - layer),
                weight_decay=0.0 if no_decay else self.base_wd))
            group['params'].append(param)
            group['param_names'].append(name)
        MMLogger.get_current_instance().info(
            f'{decay_type} lr decay {decay_rate}, {num_layers} layers: ' + ', '.join(
                f"id {g['layer_id']}{' no-wd' if k[1] else ''}: {len(g['params'])} params "
                f"lr {g['lr']:.3g}" for k, g in sorted(groups.items())))
        params.extend(groups.values())


def official_layer_id(name: str, decay_type: str, num_layers: int) -> int:
    """`lr_layer_id` for a parameter `name` of a backbone with the official ConvNeXt names
    (without the 'backbone.' prefix): `downsample_layers.i` is `downsample_layer_id` (0, the
    stem, for i = 0), `stages.i.j.*` is block j of stage i; anything
    else (the per-output norms) counts as the rest of the model, num_layers + 1."""
    parts = name.split('.')
    if parts[0] == 'downsample_layers':
        return downsample_layer_id(int(parts[1]), decay_type, num_layers)
    if parts[0] == 'stages':
        return lr_layer_id(int(parts[1]), int(parts[2]), decay_type, num_layers)
    return num_layers + 1


def _layer_ids(backbone: nn.Module, decay_type: str, num_layers: int) -> dict[int, int]:
    """{id(parameter): layer id} of the backbone's parameters."""
    if isinstance(backbone, DenseBackbone):
        return backbone.lr_layer_ids(decay_type, num_layers)
    names = [n for n, _ in backbone.named_parameters()]
    if any(n.startswith('downsample_layers.') for n in names) and any(
            n.startswith('stages.') and n.split('.')[2].isdigit() for n in names):
        return {id(p): official_layer_id(n, decay_type, num_layers)
                for n, p in backbone.named_parameters()}
    raise TypeError(
        f'layer-wise lr decay (backbones.LayerDecayOptimWrapperConstructor) supports the '
        f'backbones.* backbones and ConvNeXts with the official parameter names '
        f'(downsample_layers.i.*, stages.i.j.*, e.g. mmpretrain.ConvNeXt); '
        f'{type(backbone).__name__} is neither: use optim_wrapper.constructor='
        "'DefaultOptimWrapperConstructor' (no decay) for it")
