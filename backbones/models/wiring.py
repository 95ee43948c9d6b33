"""Necks and heads wired to the backbone where the model is built, by whichever tool builds it.

mmdet's FPN and mmseg's heads need the backbone's channels written in their `in_channels`;
our configs leave them to the backbone (`in_channels=None`), so swapping the backbone is one
`backbone=dict(...)` edit. Filling them in a tool alone left every other builder of the model
(mmdet's `init_detector` / `DetInferencer`, mmseg's `init_model` / `MMSegInferencer`, their own
`tools/train.py`) with `None` and a bare AssertionError. So the configs' model types are
`backbones.MaskRCNN`, `backbones.CascadeRCNN` and `backbones.EncoderDecoder`: mmdet's and
mmseg's classes (same names, same weights, same behaviour) whose constructors fill or check
the in_channels first (`fit_in_channels`).

The channels come from the backbone as it declares them (built on the 'meta' device, no
memory or time spent; ours all declare), else from a real build, else from one forward pass
of a small input (backbones of other libraries mostly declare nothing).
"""
from __future__ import annotations

import re

import torch
import mmdet.models as mmdet_models
import mmseg.models as mmseg_models
from mmengine.registry import MODELS as ROOT_MODELS
from mmengine.registry import DefaultScope

from ..registry import MODELS

PROBE_SHAPE = (1, 3, 224, 224)  # the trial input for a backbone that declares no outputs


def _build(backbone_cfg: dict, device: str, scope: str | None) -> torch.nn.Module:
    with DefaultScope.overwrite_default_scope(scope), torch.device(device):
        try:
            return ROOT_MODELS.build(backbone_cfg)
        except KeyError as e:
            if 'not in the' not in str(e):
                raise
            raise KeyError(f'model.backbone.type={backbone_cfg.get("type")!r} is not a '
                           'registered backbone: use backbones.ConvNeXt or backbones.ResNet, or '
                           'another library\'s backbone with its scope (mmdet.SwinTransformer, '
                           f'mmseg.ResNetV1c, ...) (registry said: {e.args[0]})') from None


def _declared(backbone: torch.nn.Module) -> list[int] | None:
    channels = getattr(backbone, 'out_channels', None)
    if isinstance(channels, (list, tuple)) and all(isinstance(c, int) for c in channels):
        return list(channels)
    return None


def _stale_keys_hint(err: Exception) -> str:
    """A keyword the backbone does not take is often left over from the type it replaced."""
    match = re.search(r"unexpected keyword argument '(\w+)'", str(err))
    if not match:
        return ''
    return (f". '{match[1]}' may be left from the backbone this config had before: when "
            'changing model.backbone.type on the command line, add model.backbone._delete_=True '
            'and give every argument of the new backbone')


def backbone_outputs(backbone_cfg: dict, scope: str | None = None) -> list[int]:
    """Channels of the outputs of the backbone `backbone_cfg` builds (in `scope`, default: the
    current one). TypeError when neither a declaration nor a trial forward pass can tell."""
    if backbone_cfg is None:
        raise KeyError('config has no model.backbone')
    try:
        channels = _declared(_build(backbone_cfg, 'meta', scope))
    except KeyError:
        raise
    except Exception:  # noqa: BLE001 - e.g. `.item()` in a constructor (mmdet's Swin)
        channels = None
    if channels is not None:
        return channels
    kind = backbone_cfg.get('type')
    try:
        backbone = _build(backbone_cfg, 'cpu', scope)
    except KeyError:
        raise
    except Exception as err:  # noqa: BLE001 - the constructor's own error, passed on as such
        raise ValueError(f'model.backbone ({kind}) cannot be built: {type(err).__name__}: {err}'
                         + _stale_keys_hint(err)) from err
    try:
        with torch.no_grad():
            channels = _declared(backbone)
            if channels is None:
                backbone.eval()  # (some return None from train(): no chaining)
                outs = backbone(torch.zeros(PROBE_SHAPE))
                outs = [outs] if isinstance(outs, torch.Tensor) else list(outs)
                channels = [int(o.shape[1]) for o in outs]
    except Exception as err:  # noqa: BLE001 - any failure means: we cannot tell
        raise TypeError(f'model.backbone type {kind!r} declares no out_channels and a trial '
                        f'forward pass on a {"x".join(map(str, PROBE_SHAPE))} input failed '
                        f'({type(err).__name__}: {err}): write every neck / head in_channels'
                        ) from err
    return channels


def channel_consumers(model_cfg: dict) -> list[tuple[str, dict, object]]:
    """(config path, module config, in_index) of what reads the backbone's outputs by channel
    count: the neck (all outputs, in_index None), decode / auxiliary heads of a segmentor."""
    consumers = []
    if model_cfg.get('neck'):
        consumers.append(('model.neck', model_cfg['neck'], None))
    for name in ('decode_head', 'auxiliary_head'):
        head = model_cfg.get(name)
        for k, h in enumerate(head if isinstance(head, list) else [head] if head else []):
            consumers.append((f'model.{name}' + (f'[{k}]' if isinstance(head, list) else ''),
                              h, h.get('in_index', -1)))
    return consumers


def fit_in_channels(model_cfg: dict, scope: str | None = None) -> dict:
    """Fill (where None) or check `in_channels` of the neck (all outputs) and of the decode /
    auxiliary heads (the outputs their `in_index` selects), in place, for any registered
    backbone. A written value that disagrees is a ValueError that says what to write. When the
    backbone's outputs cannot be told, written in_channels are taken as they are."""
    consumers = channel_consumers(model_cfg)
    if not consumers:  # a classifier: nothing reads the backbone's outputs by channel count
        return model_cfg
    try:
        channels = backbone_outputs(model_cfg.get('backbone'), scope)
    except TypeError:
        if all(c.get('in_channels') is not None for _, c, _ in consumers):
            return model_cfg
        raise
    for where, module_cfg, index in consumers:
        want = (channels if index is None else [channels[i] for i in index]
                if isinstance(index, (list, tuple)) else channels[index])
        have = module_cfg.get('in_channels')
        if have is None:
            module_cfg['in_channels'] = want
        elif (list(have) if isinstance(have, (list, tuple)) else have) != want:
            raise ValueError(
                f'{where}.in_channels={have} does not match the backbone '
                f'({model_cfg["backbone"]["type"]}) outputs: write {where}.in_channels={want} '
                'or leave it out to derive it')
    return model_cfg


class _Wired:
    """Fill the neck's / heads' in_channels from the backbone, then build as the parent."""

    def __init__(self, **kwargs) -> None:
        fit_in_channels(kwargs)
        super().__init__(**kwargs)


@MODELS.register_module()
class MaskRCNN(_Wired, mmdet_models.MaskRCNN):
    """mmdet's MaskRCNN, the FPN's in_channels derived from the backbone."""


@MODELS.register_module()
class CascadeRCNN(_Wired, mmdet_models.CascadeRCNN):
    """mmdet's CascadeRCNN, the FPN's in_channels derived from the backbone."""


@MODELS.register_module()
class EncoderDecoder(_Wired, mmseg_models.EncoderDecoder):
    """mmseg's EncoderDecoder, the decode / auxiliary heads' in_channels derived."""
