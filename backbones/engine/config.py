"""Config preparation (`prepare`), run by our Runner's `from_cfg` whichever tool starts it.

- Necks and heads take their `in_channels` from the backbone (backbones.models.wiring, which
  our model types also run when any tool builds them): left as None they are filled in;
  given and wrong, they are an error that says what to write.
- Heads' `num_classes` follow the dataset's classes: None is filled in, a written count that
  disagrees is an error naming both counts and the fields to change (before anything loads).
- On a machine without CUDA: SyncBN becomes BN, AMP becomes plain fp32 (MMEngine's
  AmpOptimWrapper needs CUDA) and distributed runs (torchrun) use the gloo backend and a
  CPU DistributedDataParallel.
"""
from __future__ import annotations

import ast
import difflib
import inspect
import os.path as osp

import torch
from mmengine.config import Config, ConfigDict
from mmengine.logging import print_log
from mmengine.model import MMDistributedDataParallel
from mmengine.registry import DATASETS, DefaultScope
from mmengine.runner import Runner as MMEngineRunner

from .. import data, models  # noqa: F401  (register the backbones.* types)
from ..models import wiring
from ..registry import MODEL_WRAPPERS


def model_of(cfg: Config) -> ConfigDict:
    """The model's config, inside a test-time-augmentation wrapper where there is one."""
    model = cfg.model
    return model.module if str(model.get('type', '')).endswith('TTAModel') else model


# Where a model's class counts are written: detectors' box and mask heads (every cascade
# stage; a one-stage detector's head), segmentors' decode and auxiliary heads. (The RPN head's
# one class is not the dataset's.)
CLASS_FIELDS = ('roi_head.bbox_head', 'roi_head.mask_head', 'bbox_head', 'decode_head',
                'auxiliary_head')


def class_heads(model_cfg: dict) -> list[tuple[str, dict]]:
    """(config path, head config) of every head that predicts the dataset's classes."""
    heads = []
    for field in CLASS_FIELDS:
        node = model_cfg
        for part in field.split('.'):
            node = node.get(part) if isinstance(node, dict) else None
        for k, head in enumerate(node if isinstance(node, list) else [node] if node else []):
            if isinstance(head, dict) and 'num_classes' in head:
                heads.append((f'model.{field}' + (f'[{k}]' if isinstance(node, list) else ''),
                              head))
    return heads


def config_classes(cfg: Config, loader: str) -> tuple | None:
    """The class names `loader`'s dataset will have, as far as the config tells: its
    `metainfo.classes`, else its dataset class's (mmdet's CocoDataset: COCO's 80); through
    wrappers (RepeatDataset, ...). None where the config cannot tell."""
    dataset = (cfg.get(loader) or {}).get('dataset')
    while isinstance(dataset, dict) and 'dataset' in dataset and not dataset.get('metainfo'):
        dataset = dataset['dataset']
    if not isinstance(dataset, dict):
        return None
    metainfo = dataset.get('metainfo')
    classes = metainfo.get('classes') if isinstance(metainfo, dict) else None
    if classes is None and isinstance(dataset.get('type'), str):
        with DefaultScope.overwrite_default_scope(cfg.get('default_scope')):
            try:
                kind = DATASETS.get(dataset['type'])
            except KeyError:
                kind = None
        classes = getattr(kind, 'METAINFO', {}).get('classes')
    return tuple(classes) if classes else None


def check_num_classes(model_cfg: dict, classes, where: str) -> None:
    """ValueError unless every head of `model_cfg` predicts len(classes) classes, naming both
    counts and every field to change."""
    wrong = [(path, head['num_classes']) for path, head in class_heads(model_cfg)
             if head['num_classes'] is not None and head['num_classes'] != len(classes)]
    if wrong:
        shown = ', '.join(map(repr, classes[:6])) + (', ...' if len(classes) > 6 else '')
        raise ValueError(
            f'{where} has {len(classes)} classes ({shown}) but '
            + ', '.join(f'{path}.num_classes={n}' for path, n in wrong)
            + f': set {" and ".join(f"{path}.num_classes={len(classes)}" for path, _ in wrong)}'
            ' (or None, to take the dataset\'s count), or give the dataset the classes the '
            'model was made for (its metainfo=dict(classes=...))')


def fit_num_classes(cfg: Config) -> Config:
    """Heads whose `num_classes` is None take the count of the training (else test) set's
    classes; written counts must agree with every split's classes the config tells."""
    model = model_of(cfg)
    heads = class_heads(model)
    if not heads:
        return cfg
    known = {loader: config_classes(cfg, loader)
             for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader')}
    known = {k: v for k, v in known.items() if v}
    unset = [path for path, head in heads if head['num_classes'] is None]
    if unset and not known:
        raise ValueError(f'{", ".join(unset)}: num_classes=None is left to the dataset, but no '
                         'dataloader\'s dataset names its classes: give the dataset '
                         'metainfo=dict(classes=(...)) or write the count')
    if unset:
        classes = next(iter(known.values()))
        for _, head in heads:
            if head['num_classes'] is None:
                head['num_classes'] = len(classes)
    for loader, classes in known.items():
        check_num_classes(model, classes, f'{loader}.dataset')
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
        # MMEngine wraps the model in DDP with device_ids, which the CPU does not take (the
        # process group is joined where the run starts: backbones.engine.launch).
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


def check_counts(cfg: Config) -> None:
    """Iteration and epoch counts below 1 would train nothing and exit 0: refuse them."""
    for key in ('max_iters', 'max_epochs', 'val_interval'):
        value = (cfg.get('train_cfg') or {}).get(key)
        if value is not None and (not isinstance(value, int) or value < 1):
            raise ValueError(f'train_cfg.{key}={value!r}: must be a whole number >= 1')


def prepare(cfg: Config) -> Config:
    """Everything a config needs before MMEngine's Runner builds it (our Runner's `from_cfg`
    runs it, so mmdet's and mmseg's own tools get it too; running it twice changes nothing):
    derived in_channels, class counts from the dataset (`fit_num_classes`), the CPU's
    adaptations. It only rewrites the config: processes and the network are the run's
    business (backbones.engine.launch; a `load_from` URL is fetched when it is loaded)."""
    check_counts(cfg)
    # in_channels here too (our model types fill them when built): a wrong one fails before
    # anything is loaded, and the work dir's config shows them
    wiring.fit_in_channels(model_of(cfg), cfg.get('default_scope'))
    return adapt_to_device(fit_num_classes(cfg))


def build_model(cfg: Config) -> torch.nn.Module:
    """The config's model with random weights, on the CPU, in eval mode, in the config's
    registry scope. Nothing is read or downloaded: the backbone's `init_cfg` is dropped, and
    a timm backbone's `pretrained=True` (its own download, mmpretrain.TIMMBackbone) is off."""
    backbone = cfg.model.get('backbone') or {}
    backbone.pop('init_cfg', None)
    if backbone.get('pretrained') is True:
        backbone.pretrained = False
    cfg = prepare(cfg)
    scope = cfg.get('default_scope', 'backbones')
    with DefaultScope.overwrite_default_scope(scope):
        registry = {'mmdet': 'mmdet.registry', 'mmseg': 'mmseg.registry'}.get(scope)
        if registry:
            models = __import__(registry, fromlist=['MODELS']).MODELS
        else:
            from ..registry import MODELS as models
        return models.build(cfg.model).eval()


class TextOnceConfig(Config):
    """A Config whose `pretty_text` is formatted once per content. MMEngine's Runner asks for
    it about six times a run (the config log line, two dumps, every checkpoint's meta, each
    loop's start), and each call runs yapf over the whole config: 0.5 s a call, a third of a
    short run's time on one core. The text is the same; it is cached with the content it was
    made from and made again when the content changes."""

    @classmethod
    def of(cls, cfg: Config) -> 'TextOnceConfig':
        other = cls.__new__(cls)
        other.__setstate__(cfg.__getstate__())
        return other

    @property
    def pretty_text(self) -> str:
        key = repr(self._cfg_dict.to_dict())
        cached = self.__dict__.get('_text_once')
        if cached is None or cached[0] != key:
            cached = (key, super().pretty_text)
            super(Config, self).__setattr__('_text_once', cached)
        return cached[1]


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
