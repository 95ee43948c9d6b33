"""Config preparation shared by tools/train.py, tools/test.py and the tests.

- Necks and heads take their `in_channels` from the backbone (ours declare them and are built
  on the 'meta' device, so no memory or time is spent; another library's backbone is built
  and run once on a small input): left as None they are filled in; given and wrong, they
  are an error that says what to write.
- On a machine without CUDA: SyncBN becomes BN, AMP becomes plain fp32 (MMEngine's
  AmpOptimWrapper needs CUDA) and distributed runs (torchrun) use the gloo backend and a
  CPU DistributedDataParallel.
"""
from __future__ import annotations

import ast
import difflib
import inspect
import os
import os.path as osp
import subprocess

import torch
from mmengine.config import Config, ConfigDict
from mmengine.logging import print_log
from mmengine.model import MMDistributedDataParallel
from mmengine.registry import MODELS, DefaultScope
from mmengine.runner import Runner as MMEngineRunner

from .. import data, models  # noqa: F401  (register the backbones.* types)
from ..weights.hub import local_checkpoint
from ..registry import MODEL_WRAPPERS


PROBE_SHAPE = (1, 3, 224, 224)  # the trial input for a backbone that declares no outputs


def _build_backbone(cfg: Config, device: str) -> torch.nn.Module:
    backbone_cfg = cfg.model.get('backbone')
    if backbone_cfg is None:
        raise KeyError('config has no model.backbone')
    with DefaultScope.overwrite_default_scope(cfg.get('default_scope')), torch.device(device):
        try:
            return MODELS.build(backbone_cfg)
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


def backbone_outputs(cfg: Config) -> list[int]:
    """Channels of the backbone's outputs: as the backbone declares them (built on the 'meta'
    device, no memory or time spent; ours all declare), else from a real build, else read off
    one forward pass of a small input (backbones of other libraries mostly declare nothing).
    Raises TypeError when none of these can tell."""
    try:
        channels = _declared(_build_backbone(cfg, 'meta'))
    except KeyError:
        raise
    except Exception:  # noqa: BLE001 - e.g. `.item()` in a constructor (mmdet's Swin)
        channels = None
    if channels is not None:
        return channels
    kind = cfg.model.backbone.get('type')
    try:
        backbone = _build_backbone(cfg, 'cpu')
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
    except KeyError:
        raise
    except Exception as err:  # noqa: BLE001 - any failure means: we cannot tell
        raise TypeError(f'model.backbone type {kind!r} declares no out_channels and a trial '
                        f'forward pass on a {"x".join(map(str, PROBE_SHAPE))} input failed '
                        f'({type(err).__name__}: {err}): write every neck / head in_channels'
                        ) from err
    return channels


def _stale_keys_hint(err: Exception) -> str:
    """A keyword the backbone does not take is often left over from the type it replaced."""
    import re
    match = re.search(r"unexpected keyword argument '(\w+)'", str(err))
    if not match:
        return ''
    return (f". '{match[1]}' may be left from the backbone this config had before: when "
            'changing model.backbone.type on the command line, add model.backbone._delete_=True '
            'and give every argument of the new backbone')


def fit_in_channels(cfg: Config) -> Config:
    """Fill or check `in_channels` of model.neck (all outputs) and of model.decode_head /
    model.auxiliary_head (the outputs their `in_index` selects), for any registered backbone
    (`backbone_outputs`). When its outputs cannot be told, written in_channels are taken as
    they are."""
    consumers = []
    if cfg.model.get('neck'):
        consumers.append(('model.neck', cfg.model.neck, None))
    for name in ('decode_head', 'auxiliary_head'):
        head = cfg.model.get(name)
        for k, h in enumerate(head if isinstance(head, list) else [head] if head else []):
            consumers.append((f'model.{name}' + (f'[{k}]' if isinstance(head, list) else ''),
                              h, h.get('in_index', -1)))
    if not consumers:  # a classifier: nothing reads the backbone's outputs by channel count
        return cfg
    try:
        channels = backbone_outputs(cfg)
    except TypeError:
        if all(c.get('in_channels') is not None for _, c, _ in consumers):
            return cfg
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
                f'({cfg.model.backbone["type"]}) outputs: write {where}.in_channels={want} '
                'or leave it out to derive it')
    return cfg


def _walk(node, fn):
    if isinstance(node, dict):
        fn(node)
        for value in node.values():
            _walk(value, fn)
    elif isinstance(node, (list, tuple)):
        for value in node:
            _walk(value, fn)


def adapt_to_device(cfg: Config) -> Config:
    """Make a GPU recipe runnable on the CPU without changing what it computes in fp32."""
    if torch.cuda.is_available():
        return cfg
    replaced = []

    def sync_bn_to_bn(node):
        if node.get('type') == 'SyncBN':
            node['type'] = 'BN'
            replaced.append('SyncBN->BN')
    _walk(cfg.model, sync_bn_to_bn)
    if cfg.get('optim_wrapper', {}).get('type') == 'AmpOptimWrapper':
        cfg.optim_wrapper.type = 'OptimWrapper'
        for key in ('loss_scale', 'dtype'):
            cfg.optim_wrapper.pop(key, None)
        replaced.append('AmpOptimWrapper->OptimWrapper')
    cfg.setdefault('env_cfg', ConfigDict()).setdefault('dist_cfg', ConfigDict())
    cfg.env_cfg.dist_cfg.backend = 'gloo'
    if cfg.get('launcher', 'none') in ('pytorch', 'slurm'):
        # MMEngine's own init calls torch.cuda.set_device and wraps the model in DDP with
        # device_ids: neither works on the CPU. Join the process group here (MMEngine then
        # skips its init) and wrap with CPUDistributedDataParallel.
        if cfg.launcher == 'slurm':
            _slurm_to_torchrun_env()
        if not torch.distributed.is_initialized():
            torch.distributed.init_process_group('gloo')
        cfg.model_wrapper_cfg = dict(
            type='backbones.CPUDistributedDataParallel', broadcast_buffers=False,
            find_unused_parameters=cfg.get('find_unused_parameters', False))
        replaced.append('DDP on gloo')
    if replaced:
        print_log(f'no CUDA: {", ".join(sorted(set(replaced)))}', logger='current')
    return cfg


def _slurm_to_torchrun_env() -> None:
    """What MMEngine's slurm launcher derives from Slurm's variables (rank, world size, the
    first node as master), as torch's env:// rendezvous reads it."""
    env = os.environ
    missing = [k for k in ('SLURM_PROCID', 'SLURM_NTASKS', 'SLURM_NODELIST') if k not in env]
    if missing:
        raise KeyError(f'--launcher slurm needs {", ".join(missing)} from Slurm: start the '
                       'tool with srun (tools/slurm_train.sh)')
    env.setdefault('RANK', env['SLURM_PROCID'])
    env.setdefault('WORLD_SIZE', env['SLURM_NTASKS'])
    env.setdefault('LOCAL_RANK', env.get('SLURM_LOCALID', '0'))
    if 'MASTER_ADDR' not in env:
        env['MASTER_ADDR'] = subprocess.check_output(
            ['scontrol', 'show', 'hostname', env['SLURM_NODELIST']], text=True).split()[0]
    env.setdefault('MASTER_PORT', '29500')


@MODEL_WRAPPERS.register_module()
class CPUDistributedDataParallel(MMDistributedDataParallel):
    """MMEngine's DDP wrapper for CPU modules, which take no `device_ids`."""

    def __init__(self, module: torch.nn.Module, device_ids=None, **kwargs) -> None:
        super().__init__(module=module, device_ids=None, **kwargs)


def check_counts(cfg: Config) -> None:
    """Iteration and epoch counts below 1 would train nothing and exit 0: refuse them."""
    for key in ('max_iters', 'max_epochs', 'val_interval'):
        value = (cfg.get('train_cfg') or {}).get(key)
        if value is not None and (not isinstance(value, int) or value < 1):
            raise ValueError(f'train_cfg.{key}={value!r}: must be a whole number >= 1')


def prepare(cfg: Config) -> Config:
    """Everything a config needs before MMEngine's Runner builds it. A `load_from` URL (or
    torchvision:// / open-mmlab:// name) is fetched into torch's hub cache first
    (backbones.weights.hub.local_checkpoint), so the Runner reads a local file."""
    check_counts(cfg)
    load_from = cfg.get('load_from')
    if isinstance(load_from, str) and '://' in load_from:
        cfg.load_from = str(local_checkpoint(load_from))
    return adapt_to_device(fit_in_channels(cfg))


def use_tta(cfg: Config, config: str = 'the config') -> Config:
    """Test-time augmentation from the config's `tta_pipeline` and `tta_model` (segmentation:
    the paper's multi-scale 0.5..1.75 + flip, on whole images as in its official `_ms`
    configs). Call after `prepare`: the wrapped model no longer shows its backbone."""
    missing = [key for key in ('tta_pipeline', 'tta_model') if key not in cfg]
    if missing:
        raise KeyError(f'{config} defines no {" / ".join(missing)}: --tta needs both')
    if 'mode' in cfg.model.get('test_cfg', {}):
        cfg.model.test_cfg = ConfigDict(mode='whole')
    cfg.test_dataloader.dataset.pipeline = cfg.tta_pipeline
    cfg.model = ConfigDict(**cfg.tta_model, module=cfg.model)
    return cfg


# Top-level keys something reads: MMEngine's Runner, the config loader, the tools and this
# toolkit (speed options, load_parts, TTA), MMEngine's wrappers and mmdet's / mmseg's runtimes.
READ_KEYS = (set(inspect.signature(MMEngineRunner.__init__).parameters) - {'self', 'cfg'}) | {
    'custom_imports', 'runner_type', 'model_wrapper_cfg', 'find_unused_parameters',
    'tta_model', 'tta_pipeline', 'channels_last', 'compile_modules', 'load_parts',
    'vis_backends', 'backend_args', 'dist_params'}


# OpenMMLab's conventional helper variables, left at the top level of configs they were used in.
HELPER_KEYS = {'data_root', 'dataset_type', 'train_pipeline', 'val_pipeline', 'test_pipeline',
               'img_scale', 'crop_size', 'metainfo', 'img_norm_cfg', 'norm_cfg', 'classes',
               'file_client_args', 'image_size', 'num_classes'}


def _base_files(path: str) -> list[str]:
    """The local `_base_` files of a config, recursively (packages' bases such as
    `mmdet::...` are left out)."""
    found, todo = [], [osp.abspath(path)]
    while todo:
        file = todo.pop()
        for node in ast.parse(open(file).read()).body:
            if isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == '_base_' for t in node.targets):
                bases = ast.literal_eval(node.value)
                for base in [bases] if isinstance(bases, str) else bases:
                    base = osp.normpath(osp.join(osp.dirname(file), base))
                    if '::' not in base and osp.isfile(base) and base not in found:
                        found.append(base)
                        todo.append(base)
    return found


def check_keys(cfg: Config, path: str, option_keys=()) -> None:
    """Refuse top-level keys that nothing reads, in the config the user runs and in
    `option_keys` (--cfg-options): a key neither the Runner nor this toolkit reads, and not
    used again in that file (its own helper variables are). A misspelling gets the nearest
    key; re-setting a base's variable (`data_root`) is told that the base used its own.
    (`_base_` files are libraries of variables for their children and are not checked.)"""
    tree = ast.parse(open(path).read())
    has_base = any(isinstance(t, ast.Name) and t.id == '_base_' for node in tree.body
                   if isinstance(node, ast.Assign) for t in node.targets)
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    candidates = [(t.id, f'{path}:{node.lineno}') for node in tree.body
                  if isinstance(node, ast.Assign) for t in node.targets
                  if isinstance(t, ast.Name) and t.id not in used and has_base]
    # (a config without _base_ is standalone or dumped by MMEngine, every variable flattened
    # into it: only its --cfg-options are checked)
    candidates += [(k, '--cfg-options') for k in option_keys]
    base_vars = {t.id: f for f in _base_files(path) for node in ast.parse(open(f).read()).body
                 if isinstance(node, ast.Assign) for t in node.targets if isinstance(t, ast.Name)}
    lines = []
    for name, where in candidates:
        if name.startswith('_') or name in READ_KEYS or (
                name in HELPER_KEYS and name not in base_vars):
            continue
        if name in base_vars and where != '--cfg-options':
            why = (f'{osp.basename(base_vars[name])} (a _base_ file) used its own {name} when it '
                   'was read, so this value changes nothing: set the fields that use it instead '
                   f'(e.g. train_dataloader.dataset.{name})')
        else:
            near = difflib.get_close_matches(name, READ_KEYS, n=1)
            why = f'did you mean {near[0]!r}?' if near else 'remove it, or use it in a field'
        lines.append(f'{where}: top-level key {name!r} is read by nothing; {why}')
    if lines:
        raise ValueError('config keys that nothing reads:\n  ' + '\n  '.join(lines))


def add_tensorboard(cfg: Config) -> None:
    """MMEngine's TensorBoard backend beside the config's own (`visualizer.vis_backends`);
    SystemExit saying what to install where tensorboard is not."""
    import importlib.util
    if importlib.util.find_spec('tensorboard') is None:
        raise SystemExit('--tensorboard: the tensorboard package is not installed here; '
                         '`pip install tensorboard`, or leave out --tensorboard (scalars.json '
                         'and tools/report.py --plot work without it)')
    visualizer = cfg.setdefault('visualizer', ConfigDict(type='Visualizer'))
    backends = list(visualizer.get('vis_backends') or [dict(type='LocalVisBackend')])
    if not any(b.get('type') == 'TensorboardVisBackend' for b in backends):
        backends.append(dict(type='TensorboardVisBackend'))
    visualizer.vis_backends = backends
