"""Config preparation shared by tools/train.py, tools/test.py and the tests.

- Necks and heads take their `in_channels` from the backbone (built on the 'meta' device, so
  no memory or time is spent): left as None they are filled in; given and wrong, they are an
  error that says what to write.
- On a machine without CUDA: SyncBN becomes BN, AMP becomes plain fp32 (MMEngine's
  AmpOptimWrapper needs CUDA) and distributed runs (torchrun) use the gloo backend and a
  CPU DistributedDataParallel.
"""
from __future__ import annotations

import argparse
import os
import os.path as osp

import torch
from mmengine.config import Config, ConfigDict, DictAction
from mmengine.logging import print_log
from mmengine.model import MMDistributedDataParallel
from mmengine.registry import MODELS, DefaultScope

import backbones  # noqa: F401  (registers the backbones.* types)
from backbones.registry import MODEL_WRAPPERS


def backbone_outputs(cfg: Config) -> list[int]:
    """Channels of the backbone's outputs, as the backbone itself declares them."""
    backbone_cfg = cfg.model.get('backbone')
    if backbone_cfg is None:
        raise KeyError('config has no model.backbone')
    with DefaultScope.overwrite_default_scope(cfg.get('default_scope')), torch.device('meta'):
        try:
            backbone = MODELS.build(backbone_cfg)
        except KeyError as e:
            if 'not in the' not in str(e):
                raise
            raise KeyError(f'model.backbone.type={backbone_cfg.get("type")!r} is not a '
                           'registered backbone: use backbones.ConvNeXt or backbones.ResNet '
                           f'(registry said: {e.args[0]})') from None
    if not hasattr(backbone, 'out_channels'):
        raise TypeError(f'model.backbone type {backbone_cfg["type"]!r} does not declare '
                        'out_channels: use a backbones.* backbone or write every neck / head '
                        'in_channels')
    return list(backbone.out_channels)


def fit_in_channels(cfg: Config) -> Config:
    """Fill or check `in_channels` of model.neck (all outputs) and of model.decode_head /
    model.auxiliary_head (the outputs their `in_index` selects). A backbone from elsewhere
    (no declared outputs) is accepted when every in_channels is written out."""
    consumers = []
    if cfg.model.get('neck'):
        consumers.append(('model.neck', cfg.model.neck, None))
    for name in ('decode_head', 'auxiliary_head'):
        head = cfg.model.get(name)
        for k, h in enumerate(head if isinstance(head, list) else [head] if head else []):
            consumers.append((f'model.{name}' + (f'[{k}]' if isinstance(head, list) else ''),
                              h, h.get('in_index', -1)))
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
    if cfg.get('launcher', 'none') == 'pytorch':
        # MMEngine's own init calls torch.cuda.set_device and wraps the model in DDP with
        # device_ids: neither works on the CPU. Join the process group here (MMEngine then
        # skips its init) and wrap with CPUDistributedDataParallel.
        if not torch.distributed.is_initialized():
            torch.distributed.init_process_group('gloo')
        cfg.model_wrapper_cfg = dict(
            type='backbones.CPUDistributedDataParallel', broadcast_buffers=False,
            find_unused_parameters=cfg.get('find_unused_parameters', False))
        replaced.append('DDP on gloo')
    if replaced:
        print_log(f'no CUDA: {", ".join(sorted(set(replaced)))}', logger='current')
    return cfg


@MODEL_WRAPPERS.register_module()
class CPUDistributedDataParallel(MMDistributedDataParallel):
    """MMEngine's DDP wrapper for CPU modules, which take no `device_ids`."""

    def __init__(self, module: torch.nn.Module, device_ids=None, **kwargs) -> None:
        super().__init__(module=module, device_ids=None, **kwargs)


def prepare(cfg: Config) -> Config:
    """Everything a config needs before MMEngine's Runner builds it."""
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


def tool_parser(description: str, *, default_configs: list[str] | None = None
                ) -> argparse.ArgumentParser:
    """The arguments every tool shares: CONFIG, --work-dir, --cfg-options, --launcher,
    --unsafe-load. With `default_configs`, CONFIG is a list that defaults to them."""
    parser = argparse.ArgumentParser(description=description)
    if default_configs:
        parser.add_argument('config', nargs='*', default=default_configs,
                            help=f'config files (default: {" ".join(default_configs)})')
    else:
        parser.add_argument('config', help='config file')
    parser.add_argument('--work-dir', help='where logs and checkpoints go '
                        '(default: work_dirs/<config name>)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default={},
                        help='override config fields, e.g. train_cfg.max_iters=10')
    parser.add_argument('--launcher', choices=['none', 'pytorch'], default='none',
                        help="'pytorch' under torchrun")
    parser.add_argument('--unsafe-load', action='store_true',
                        help='load checkpoints with full unpickling (only files you trust)')
    return parser


def config_from_args(args: argparse.Namespace, config: str | None = None) -> Config:
    """Read `config` (default: args.config) and apply the shared arguments (`tool_parser`)."""
    if args.unsafe_load:  # every torch.load inside MMEngine then unpickles everything
        os.environ['TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD'] = '1'
    config = config or args.config
    cfg = Config.fromfile(config)
    cfg.merge_from_dict(args.cfg_options)
    cfg.launcher = args.launcher
    name = osp.splitext(osp.basename(config))[0]
    if args.work_dir and isinstance(args.config, list) and len(args.config) > 1:
        cfg.work_dir = osp.join(args.work_dir, name)
    else:
        cfg.work_dir = args.work_dir or cfg.get('work_dir') or osp.join('work_dirs', name)
    return cfg
