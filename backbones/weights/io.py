"""Reading checkpoints safely, checking them against a model, and writing them (and the
JSON results beside them) atomically.

Loading is weights-only by default (torch's own default since 2.6): a checkpoint from the
internet cannot run pickled code. `weights_only=False` is the explicit opt-out for trusted
files. Names (paths, URLs, hub names) are resolved by `hub.local_checkpoint`.
"""
from __future__ import annotations

import json
import os
import pickle
import tempfile
from collections import OrderedDict
from pathlib import Path
from typing import Callable, Mapping

import torch
from mmengine.logging import MMLogger

from .hub import CheckpointError, _timm_state_dict, local_checkpoint

_WRAPPER_KEYS = ('state_dict', 'model', 'model_ema')


def read_state_dict(path: str | os.PathLike, *, weights_only: bool = True,
                    backbone_only: bool = True) -> dict:
    """Return the flat tensor dict stored in checkpoint `path` (a file, URL or hub name, see
    the module's doc), unwrapped from common containers.

    A detector/segmentor/classifier checkpoint (keys `backbone.*`) yields its backbone part
    only, unless `backbone_only=False`; DataParallel's `module.` prefix is removed.
    """
    if os.fspath(path).startswith('timm/'):
        obj = _timm_state_dict(os.fspath(path))
    else:
        obj = _load_file(local_checkpoint(path), weights_only=weights_only)
    for key in _WRAPPER_KEYS:
        if isinstance(obj, Mapping) and isinstance(obj.get(key), Mapping):
            obj = obj[key]
            break
    if not isinstance(obj, Mapping) or not obj:
        raise CheckpointError(f'{path} holds no state dict (found {type(obj).__name__})')
    state = OrderedDict((k, v) for k, v in obj.items() if isinstance(v, torch.Tensor))
    if not state:
        raise CheckpointError(f'{path} holds no tensors')
    state = _strip_prefix(state, 'module.')
    if backbone_only and any(k.startswith('backbone.') for k in state):
        state = OrderedDict((k[len('backbone.'):], v) for k, v in state.items()
                            if k.startswith('backbone.'))
    return state


def read_checkpoint(name: str | os.PathLike, *, weights_only: bool = True) -> dict:
    """The whole checkpoint object of `name` (a file or URL, see the module's doc), which
    must be a dict: CheckpointError naming the file otherwise."""
    obj = _load_file(local_checkpoint(name), weights_only=weights_only)
    if not isinstance(obj, Mapping) or not isinstance(obj.get('state_dict', obj), Mapping):
        raise CheckpointError(f'{name} holds {type(obj).__name__}, not a checkpoint dict')
    return obj


def check_complete(model: torch.nn.Module, state: Mapping, name: str | os.PathLike, *,
                   parts: list[str] | None = None) -> None:
    """CheckpointError unless `state` holds exactly the model's tensors with their shapes
    (of the top-level `parts` only, where given), naming what is missing, left over or of
    another shape."""
    own = model.state_dict()
    prefixes = tuple(f'{p}.' for p in parts) if parts else ('',)
    if parts:
        unknown = [p for p in parts if not any(k.startswith(f'{p}.') for k in own)]
        if unknown:
            raise CheckpointError(f'load_parts names {unknown}, which {type(model).__name__} '
                                  f'does not have; its parts: {sorted({k.split(".")[0] for k in own})}')
    missing = [k for k in own if k.startswith(prefixes) and k not in state]
    unexpected = [] if parts else [k for k in state if k not in own]
    shapes = [f'{k}: file {tuple(state[k].shape)} vs model {tuple(own[k].shape)}'
              for k in own if k.startswith(prefixes) and k in state
              and hasattr(state[k], 'shape') and state[k].shape != own[k].shape]
    if missing or unexpected or shapes:
        found = [f'{len(v)} {what} (first: {", ".join(v[:4])})'
                 for what, v in (('missing', missing), ('unexpected', unexpected),
                                 ('of another shape', shapes)) if v]
        raise CheckpointError(
            f'{name} does not fit {type(model).__name__}: ' + '; '.join(found)
            + '. Is it a checkpoint of this config\'s model?'
            + ('' if parts else _parts_hint(own, state)))


def _parts_hint(own: Mapping, state: Mapping) -> str:
    """The model's top-level parts that the file fills whole (every tensor, same shapes): what
    a fine-tuning config of other classes would take."""
    fits = [part for part in dict.fromkeys(k.split('.')[0] for k in own)
            if all(k in state and getattr(state[k], 'shape', None) == own[k].shape
                   for k in own if k.split('.')[0] == part)]
    if not fits:
        return ''
    return (' To fine-tune from a model of other classes, name the parts to take in the '
            f'config: load_parts = {fits}')


def _load_file(path: Path, *, weights_only: bool) -> object:
    if not path.is_file():
        raise CheckpointError(f'checkpoint file not found: {path}')
    try:
        return torch.load(path, map_location='cpu', weights_only=weights_only)
    except pickle.UnpicklingError as err:
        if weights_only and 'Weights only load failed' in str(err):
            raise CheckpointError(
                f'{path} holds objects other than tensors, so weights-only loading refused it '
                '(a checkpoint of a plain MMEngine Runner holds its message hub\'s objects; '
                'this toolkit\'s Runner writes them as plain lists). '
                'If you trust this file, load it with weights_only=False '
                "(init_cfg=dict(type='Pretrained', checkpoint=..., weights_only=False) or "
                '--unsafe-load)') from err
        raise CheckpointError(f'{path} is not a readable PyTorch checkpoint '
                              f'(corrupt or truncated?): {err}') from err
    except Exception as err:  # torch raises many types for garbage: IndexError, EOFError, ...
        raise CheckpointError(f'{path} is not a readable PyTorch checkpoint '
                              f'(corrupt or truncated?): {type(err).__name__}: {err}') from err


def _strip_prefix(state: dict, prefix: str) -> dict:
    if all(k.startswith(prefix) for k in state):
        return OrderedDict((k[len(prefix):], v) for k, v in state.items())
    return state


def load_pretrained(model: torch.nn.Module, path: str | os.PathLike, *,
                    convert: Callable[[dict], dict], weights_only: bool = True,
                    strict: bool = False) -> dict:
    """Load `path` into `model` after `convert` maps its keys to the model's names.

    Raises CheckpointError when no key matches or a shape differs, and with `strict` when
    any tensor of the model is not in the file or the file has tensors the model lacks;
    otherwise reports missing and unexpected keys by name in the log.
    Returns {'missing': [...], 'unexpected': [...]}.
    """
    state = convert(read_state_dict(path, weights_only=weights_only, backbone_only=not strict))
    own = model.state_dict()
    matched = [k for k in state if k in own]
    if not matched:
        raise CheckpointError(
            f'no key of {path} matches {type(model).__name__} after conversion; '
            f'checkpoint keys start with {sorted(state)[:3]}, '
            f'the model expects keys like {list(own)[:3]}')
    wrong_shape = [f'{k}: checkpoint {tuple(state[k].shape)} vs model {tuple(own[k].shape)}'
                   for k in matched if state[k].shape != own[k].shape]
    if wrong_shape:
        raise CheckpointError(f'{path} does not fit {type(model).__name__} '
                              f'(another arch or depth?): ' + '; '.join(wrong_shape[:5]))
    if strict:
        missing = sorted(set(own) - set(state))
        unexpected = sorted(set(state) - set(own))
        if missing or unexpected:
            raise CheckpointError(
                f'{path} does not hold exactly the tensors of {type(model).__name__}: '
                + '; '.join(f'{n} {kind} (first: {", ".join(keys[:5])})' for kind, keys, n in
                            (('missing', missing, len(missing)),
                             ('unexpected', unexpected, len(unexpected))) if keys))
    result = model.load_state_dict(state, strict=False)
    report = {'missing': list(result.missing_keys), 'unexpected': list(result.unexpected_keys)}
    logger = MMLogger.get_current_instance()
    logger.info(f'loaded {len(matched)} tensors from {path} into {type(model).__name__}')
    for kind, keys in report.items():
        if keys:
            logger.warning(f'{kind} keys loading {path}: {", ".join(keys)}')
    return report


def _write_atomic(path: str | os.PathLike, write: Callable, mode: str) -> None:
    """`write(f)` into a temporary file beside `path`, then rename: never a half-written file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f'.{path.name}.', suffix='.tmp')
    try:
        with os.fdopen(fd, mode) as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_atomic(obj: object, path: str | os.PathLike) -> None:
    """torch.save to `path`, atomically (`_write_atomic`)."""
    _write_atomic(path, lambda f: torch.save(obj, f), 'wb')


def save_json(obj: object, path: str | os.PathLike, *, indent: int | None = 1) -> None:
    """JSON (results, predictions, annotations) to `path`, atomically (`_write_atomic`)."""
    _write_atomic(path, lambda f: json.dump(obj, f, indent=indent), 'w')


def save_text(text: str, path: str | os.PathLike) -> None:
    """Text (a generated page) to `path`, atomically (`_write_atomic`)."""
    _write_atomic(path, lambda f: f.write(text), 'w')
