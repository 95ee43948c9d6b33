"""Layer-wise learning-rate decay (the ConvNeXt paper's detection/segmentation recipe).

Parameters get a layer id; the lr scale of id i is decay_rate ** (num_layers + 1 - i), so
everything outside the backbone (neck, heads; id num_layers + 1) keeps the base lr and the
stem learns slowest. The backbone assigns ids from its own module structure
(`DenseBackbone.lr_layer_ids`), never from parameter-name prefixes. As in the official code,
1-D parameters and biases get no weight decay.
"""
from __future__ import annotations

from mmengine.logging import MMLogger
from mmengine.optim import DefaultOptimWrapperConstructor
from torch import nn

from .base import DenseBackbone
from .registry import OPTIM_WRAPPER_CONSTRUCTORS


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
        backbone = getattr(module, 'backbone', module)
        if not isinstance(backbone, DenseBackbone):
            raise TypeError(f'layer-wise lr decay needs a backbones.* backbone, '
                            f'got {type(backbone).__name__}')
        ids = backbone.lr_layer_ids(decay_type, num_layers)
        groups: dict[tuple[int, bool], dict] = {}
        for name, param in module.named_parameters():
            if not param.requires_grad:
                continue
            layer = ids.get(id(param), num_layers + 1)
            no_decay = param.ndim == 1 or name.endswith('.bias')
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
