"""Where a checkpoint comes from: its name -> a local file (`local_checkpoint`).

A checkpoint is named as the OpenMMLab and timm configs name it:
- a local path;
- `http(s)://...`: downloaded once into torch's hub cache ($TORCH_HOME/hub/checkpoints, as
  torchvision and mmengine do) with a progress bar, to a temporary file renamed when complete,
  and checked against the sha256 prefix in the file name where it has one
  (`resnet50-0676ba61.pth`, torchvision's convention); a name without one is cached with a
  hash of its URL beside it (`iter_20.url-1a2b3c4d5e.pth`), so two URLs never share a file;
- `torchvision://NAME` and `open-mmlab://NAME`: MMEngine's names for those releases' URLs;
- `timm/NAME` (a Hugging Face hub id of timm's): read through timm's own pretrained loader.
"""
from __future__ import annotations

import hashlib
import os
import os.path as osp
from pathlib import Path
from urllib.error import URLError
from urllib.parse import urlparse

from mmengine.logging import MMLogger


class CheckpointError(ValueError):
    """A checkpoint file that cannot be read, or whose keys do not fit the model."""


# Releases behind a licence form: users download them by hand, so configs name a local path.
# (file-name prefix, where to get it, the licence)
GATED = (('dinov3_', 'https://ai.meta.com/resources/models-and-libraries/dinov3-downloads/ '
          '(the links facebookresearch/dinov3 gives after the form is accepted)',
          'the DINOv3 License, https://ai.meta.com/resources/models-and-libraries/dinov3-license/'),)


def _missing_gated(path: Path) -> None:
    """CheckpointError saying where a missing gated release comes from and under which
    licence, where `path` names one."""
    for prefix, source, licence in GATED:
        if path.name.startswith(prefix) and not path.is_file():
            raise CheckpointError(
                f'checkpoint file not found: {path}. {path.name} is a gated release: accept '
                f'{licence}, download it from {source}, and put it at {path} (or write its '
                'path in the config)')


def _url_of(name: str) -> str:
    """The download URL of `torchvision://NAME` / `open-mmlab://NAME` (MMEngine's tables)."""
    from mmengine.runner.checkpoint import (get_deprecated_model_names, get_external_models,
                                            get_torchvision_models)
    scheme, key = name.split('://', 1)
    if scheme == 'torchvision':
        table = get_torchvision_models()
    else:
        table = get_external_models()
        key = get_deprecated_model_names().get(key, key)
    if key not in table:
        near = sorted(k for k in table if key.split('_')[0] in k)[:8]
        raise CheckpointError(f'{name}: no such {scheme} model in MMEngine\'s table'
                              + (f'; similar names: {", ".join(near)}' if near else ''))
    url = table[key]
    if not url.startswith(('http://', 'https://')):  # open-mmlab's few local-cache entries
        raise CheckpointError(f'{name} names {url!r}, not a URL: give the local file instead')
    return url


def local_checkpoint(name: str | os.PathLike, *, progress: bool = True) -> Path:
    """A local file for the checkpoint `name`: a path as it is; a URL (or torchvision:// /
    open-mmlab:// name) from torch's hub cache, downloaded there first if absent."""
    name = os.fspath(name)
    if name.startswith(('torchvision://', 'open-mmlab://')):
        name = _url_of(name)
    if not name.startswith(('http://', 'https://')):
        _missing_gated(Path(name))
        return Path(name)
    import torch.hub
    filename = osp.basename(urlparse(name).path)
    if not filename:
        raise CheckpointError(f'{name}: the URL names no file')
    match = torch.hub.HASH_REGEX.search(filename)  # torchvision: name-<sha256 prefix>.pth
    if not (match and match.group(1)):
        # Names like iter_20.pth recur across URLs: key the cached file by its URL. A name
        # with its content's hash in it (torchvision's) identifies the file by itself.
        stem, ext = osp.splitext(filename)
        filename = f'{stem}.url-{hashlib.sha256(name.encode()).hexdigest()[:10]}{ext}'
    cached = Path(torch.hub.get_dir()) / 'checkpoints' / filename
    if cached.is_file():
        return cached
    cached.parent.mkdir(parents=True, exist_ok=True)
    MMLogger.get_current_instance().info(f'downloading {name} to {cached}')
    try:
        # Writes to a temporary file beside `cached` and renames it when complete and checked.
        torch.hub.download_url_to_file(name, str(cached), match.group(1) if match else None,
                                       progress=progress)
    except (URLError, OSError, ValueError) as err:
        raise CheckpointError(
            f'could not download {name} ({type(err).__name__}: {err}). Without network access, '
            f'fetch the file elsewhere and put it at {cached} (torch\'s hub cache; set '
            'TORCH_HOME to move it), or write a local path in the config') from err
    except RuntimeError as err:  # torch.hub's hash check
        raise CheckpointError(f'{name}: the download does not match the hash in its name '
                              f'({err}); nothing was kept') from err
    return cached


def _timm_state_dict(name: str) -> dict:
    """`timm/NAME`: the weights of timm's pretrained model NAME, through timm's own loader
    (Hugging Face hub, cached in $HF_HOME)."""
    import timm
    try:
        return timm.create_model(name.split('/', 1)[1], pretrained=True).state_dict()
    except RuntimeError as err:
        if 'Unknown model' in str(err):
            raise CheckpointError(f'{name}: timm knows no such model ({err})') from err
        raise CheckpointError(f'{name}: timm could not load it ({err})') from err
    except Exception as err:  # noqa: BLE001 - hub / network errors come in many types
        raise CheckpointError(
            f'{name}: timm could not fetch its weights ({type(err).__name__}: {err}). Without '
            'network access, put the hub files in the Hugging Face cache ($HF_HOME) and set '
            'HF_HUB_OFFLINE=1, or convert them to a local file') from err
