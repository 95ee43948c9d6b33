"""MMEngine's Runner, made safe for runs that last days.

- `Runner.save_checkpoint` writes to a temporary file in the same folder and renames it: a
  crash while saving leaves the previous checkpoint (and no half file) behind.
- `RNGStateHook` stores torch's random state in every checkpoint and puts it back on resume,
  so dropout / drop path draw the same numbers as an uninterrupted run. (Data augmentation
  draws from numpy, which MMEngine's resume replays by re-reading the skipped batches.)
- `CheckFiniteLossHook` stops at the first NaN / infinite loss, naming the iteration and the
  last checkpoint, before anything is saved from the corrupted weights.
- Two speed options from the config (tools/train.py --channels-last / --compile), applied
  before the model is wrapped for distributed training: `channels_last=True` puts the
  backbone's weights in channels_last (its outputs stay contiguous NCHW by the layout
  contract, so the neck, heads and mmcv's ops see the layout they read), and
  `compile_modules=['backbone', 'neck']` compiles those submodules in place with
  torch.compile (parameter names and checkpoints unchanged; the heads, whose shapes change
  with every RoI count, stay eager). Recompilations are counted and logged at the end.
- `PlainCheckpointHook` writes the message hub's HistoryBuffers and numpy values as plain
  lists and numbers, so every checkpoint opens weights-only without an allow-list (torch's
  default, mmdet's and mmseg's own loaders), and turns them back on resume.
- `Runner.test` also writes its metrics to <log_dir>/test_result.json (tools/report.py);
  `EvalProgressHook` makes validation and tests log about ten lines with an ETA.
- `load_weights` / `revise_state`: every tensor from the file, after the known renames
  (DataParallel, the official ConvNeXt releases, the Swin repository's releases).
"""
from __future__ import annotations

import math
import os
import re
import os.path as osp

import torch
from mmengine.hooks import Hook, LoggerHook
from mmengine.runner import Runner as MMEngineRunner

from ..models.base import DenseBackbone
from .config import TextOnceConfig, check_num_classes, model_of, prepare
from .launch import join_cpu_process_group
from ..weights.io import check_complete, load_pretrained, read_checkpoint, save_json
from ..registry import HOOKS, RUNNERS


def compile_targets(model_cfg) -> list[str]:
    """What --compile compiles: the backbone and the neck (detectors) or the decode head
    (segmentors); the RoI heads, whose shapes change with every RoI count, stay eager."""
    return ['backbone', 'neck' if 'neck' in model_cfg else 'decode_head']


def speed_up(model: torch.nn.Module, *, channels_last: bool, compile_modules=()) -> None:
    """The speed options, in place: the backbone's weights in channels_last (its outputs stay
    contiguous NCHW by the layout contract), and torch.compile of the named submodules
    (parameter names and checkpoints unchanged)."""
    if channels_last:
        model.backbone.to(memory_format=torch.channels_last)
    for name in compile_modules:
        module = getattr(model, name, None)
        if module is None:
            raise KeyError(f'compile_modules names {name!r}, which the model '
                           f'({type(model).__name__}) does not have')
        module.compile(dynamic=None)  # static first, dynamic after a shape changes


@RUNNERS.register_module()
class Runner(MMEngineRunner):
    """MMEngine's Runner with atomic checkpoint files and the speed options above. Our configs
    name it (`runner_type`), so mmdet's and mmseg's own tools/train.py and tools/test.py run
    it too, with the config prepared (`prepare`: derived in_channels and class counts, CPU
    adaptation) and the datasets' classes checked against the heads before the first batch."""

    _testing = False  # set by test(): the model under test takes every tensor of its file

    @classmethod
    def from_cfg(cls, cfg):
        return super().from_cfg(TextOnceConfig.of(prepare(cfg)))

    def setup_env(self, env_cfg: dict) -> None:
        join_cpu_process_group(self.launcher)  # before MMEngine's init, which needs CUDA
        super().setup_env(env_cfg)

    def register_hooks(self, default_hooks=None, custom_hooks=None) -> None:
        super().register_hooks(default_hooks, custom_hooks)
        self.register_hook(EvalProgressHook())
        self.register_hook(ClassCountHook())
        self.register_hook(PlainCheckpointHook())

    def wrap_model(self, model_wrapper_cfg, model):
        speed_up(model, channels_last=bool(self.cfg.get('channels_last')),
                 compile_modules=self.cfg.get('compile_modules') or ())
        return super().wrap_model(model_wrapper_cfg, model)

    def _init_model_weights(self) -> None:
        """Random init fills storage in memory order: with channels_last weights the same
        seed would give other (equally distributed) values. Initialise in NCHW, then go back.
        (MMEngine has no public hook around its weight init; `wrap_model` puts the weights
        in channels_last before it, so the init itself must be wrapped. Tested by
        test_speed_options: the same losses with and without --channels-last.)"""
        backbone = getattr(getattr(self.model, 'module', self.model), 'backbone', None)
        channels_last = self.cfg.get('channels_last') and backbone is not None
        if channels_last:
            backbone.to(memory_format=torch.contiguous_format)
        super()._init_model_weights()
        if channels_last:
            backbone.to(memory_format=torch.channels_last)

    def load_checkpoint(self, filename: str, map_location='cpu', strict: bool = False,
                        revise_keys: list | None = None):
        """Load `filename` into the model, strictly: every tensor of the model must come from
        the file and the file must hold nothing else, after the known renames (DataParallel's
        `module.`; the official ConvNeXt detection / segmentation checkpoints'
        `backbone.norm{i}` -> our `backbone.out_norms.{i}`; the Swin repository's releases ->
        mmdet's SwinTransformer names). A config that fine-tunes from
        a model of other classes names the parts it takes: `load_parts = ['backbone', ...]`
        (only those are taken, and they must be complete; testing takes every tensor). A
        classifier reads the file as a release (official / timm / torchvision names).
        Unreadable files: CheckpointError. The file is read onto the CPU and copied into the
        model wherever it lives, so `map_location` changes nothing; `strict` is always on
        (MMEngine's False would skip a missing tensor in silence)."""
        model = getattr(self.model, 'module', self.model)
        weights_only = not os.environ.get('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD')
        parts = None if self._testing else self.cfg.get('load_parts')
        checkpoint = load_weights(
            model, filename, weights_only=weights_only, parts=parts, revise_keys=revise_keys,
            on_read=lambda c: self.call_hook('after_load_checkpoint', checkpoint=c))
        self._has_loaded = True  # as MMEngine's own load_checkpoint: load_or_resume reads it
        self.logger.info(f'loaded every tensor of {", ".join(parts) if parts else "the model"} '
                         f'from {filename}')
        return checkpoint

    def test(self) -> dict:
        """MMEngine's test, its metrics also written to <log_dir>/test_result.json with the
        checkpoint and whether the model is a test-time-augmentation wrapper (tools/report.py
        reads them). A config's `load_parts` (fine-tuning) is ignored: the model under test
        takes every tensor from the file."""
        self._testing = True
        try:
            metrics = super().test()
        finally:
            self._testing = False
        from mmengine.dist import is_main_process
        if is_main_process():
            record = dict(checkpoint=self.cfg.get('load_from'),
                          tta=str(self.cfg.model.get('type', '')).endswith('TTAModel'),
                          metrics={k: float(v) for k, v in metrics.items()
                                   if isinstance(v, (int, float)) or getattr(v, 'ndim', 1) == 0})
            save_json(record, osp.join(self.log_dir, 'test_result.json'))
        return metrics

    def train(self):
        model = super().train()
        if self.cfg.get('compile_modules'):
            from torch._dynamo.utils import counters
            self.logger.info(
                f"torch.compile of {', '.join(self.cfg.compile_modules)}: "
                f"{counters['stats'].get('unique_graphs', 0)} graphs compiled, "
                f"{sum(counters['recompiles'].values())} recompilations")
        return model

    def save_checkpoint(self, out_dir: str, filename: str, *args, **kwargs) -> None:
        if '://' in out_dir:  # remote storage: its backend decides
            return super().save_checkpoint(out_dir, filename, *args, **kwargs)
        tmp = osp.join(out_dir, f'.{filename}.tmp')
        try:
            super().save_checkpoint(out_dir, osp.basename(tmp), *args, **kwargs)
            if osp.exists(tmp):  # only the main process writes (MMEngine's master_only)
                os.replace(tmp, osp.join(out_dir, filename))
        finally:
            if osp.exists(tmp):
                os.remove(tmp)


def revise_state(model: torch.nn.Module, state: dict, revise_keys: list | None = None) -> dict:
    """A checkpoint's keys renamed for `model`: `revise_keys` (default: DataParallel's
    `module.` dropped); for our backbones, the official ConvNeXt detection / segmentation
    releases' `backbone.norm{i}` -> `backbone.out_norms.{i}`; for mmdet's / mmseg's
    SwinTransformer, the Swin repository's releases (`backbone.layers.{i}...`, mmdet 2.x
    heads) through mmdet's own converter of Swin's names."""
    revise_keys = list(revise_keys or [(r'^module\.', '')])
    backbone = getattr(model, 'backbone', None)
    if isinstance(backbone, DenseBackbone):
        revise_keys.append((r'^backbone\.norm(\d)\.', r'backbone.out_norms.\1.'))
    for pattern, replacement in revise_keys:
        state = {re.sub(pattern, replacement, k): v for k, v in state.items()}
    if type(backbone).__name__ == 'SwinTransformer' and any(
            k.startswith('backbone.layers.') for k in state):
        from mmdet.models.backbones.swin import swin_converter  # also mmseg's Swin's names
        state = {**{k: v for k, v in state.items() if not k.startswith('backbone.')},
                 **swin_converter({k[9:]: v for k, v in state.items()
                                   if k.startswith('backbone.')})}
    return state


def load_weights(model: torch.nn.Module, filename: str, *, weights_only: bool = True,
                 parts: list[str] | None = None, revise_keys: list | None = None,
                 on_read=None) -> dict:
    """Load the checkpoint `filename` (a file or URL) into `model` with every tensor (of
    `parts` only, where given) after `revise_state`'s renames; a classifier reads it as a
    release (official / timm / torchvision names). Returns the checkpoint ({} for a release);
    `on_read(checkpoint)` runs between reading and loading (the Runner's hooks)."""
    if hasattr(model, 'convert_release'):  # ImageClassifier: a release, whole and strict
        load_pretrained(model, filename, convert=model.convert_release, strict=True,
                        weights_only=weights_only)
        return {}
    checkpoint = read_checkpoint(filename, weights_only=weights_only)
    if on_read:
        on_read(checkpoint)
    state = revise_state(model, checkpoint.get('state_dict', checkpoint), revise_keys)
    check_complete(model, state, filename, parts=parts)
    if parts:  # the other parts (heads of other classes) keep their initialisation
        prefixes = tuple(f'{p}.' for p in parts)
        state = {k: v for k, v in state.items() if k.startswith(prefixes)}
    model.load_state_dict(state, strict=False)
    return checkpoint


@HOOKS.register_module()
class EvalProgressHook(Hook):
    """Validation and testing log about ten lines (each with MMEngine's ETA) whatever their
    number of batches: the logger's interval (50, made for training) is lowered for the
    evaluation loop and restored after it. Without it a --tta test of 13 slow batches printed
    nothing for 15 minutes. Our Runner registers it on every run."""

    priority = 'VERY_LOW'

    def __init__(self) -> None:
        self._saved = None

    def _lower(self, runner, dataloader) -> None:
        logger = next((h for h in runner.hooks if isinstance(h, LoggerHook)), None)
        if logger is None:
            return
        self._saved = (logger, logger.interval)
        logger.interval = max(1, min(logger.interval, math.ceil(len(dataloader) / 10)))

    def _restore(self, *_args, **_kwargs) -> None:
        if self._saved:
            logger, interval = self._saved
            logger.interval, self._saved = interval, None

    def before_val_epoch(self, runner) -> None:
        self._lower(runner, runner.val_loop.dataloader)

    def before_test_epoch(self, runner) -> None:
        self._lower(runner, runner.test_loop.dataloader)

    def after_val_epoch(self, runner, metrics=None) -> None:
        self._restore()

    def after_test_epoch(self, runner, metrics=None) -> None:
        self._restore()


@HOOKS.register_module()
class ClassCountHook(Hook):
    """Before training, validation or testing: the heads' class counts must equal the classes
    of the dataset as built (its metainfo), else a ValueError naming both counts and the
    fields to change, before the first batch (`prepare` checks what the config alone tells;
    this sees metainfo files, wrappers and dataset classes the config cannot show). Our Runner
    registers it on every run."""

    priority = 'VERY_HIGH'

    @staticmethod
    def _check(runner, dataloader, loader: str) -> None:
        dataset = getattr(dataloader, 'dataset', None)
        classes = (getattr(dataset, 'metainfo', None) or {}).get('classes')
        if classes:
            check_num_classes(model_of(runner.cfg), tuple(classes),
                              f'{loader}.dataset ({type(dataset).__name__})')

    def before_train(self, runner) -> None:
        self._check(runner, runner.train_dataloader, 'train_dataloader')
        if runner.val_loop is not None:
            self._check(runner, getattr(runner.val_loop, 'dataloader', None), 'val_dataloader')

    def before_test(self, runner) -> None:
        self._check(runner, runner.test_loop.dataloader, 'test_dataloader')


@HOOKS.register_module()
class RNGStateHook(Hook):
    """Save torch's (CPU and CUDA) random state with each checkpoint; restore it when a
    resumed run starts training (after MMEngine's own re-seeding)."""

    priority = 'VERY_LOW'

    def __init__(self) -> None:
        self._resumed: dict | None = None

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        checkpoint['rng_state'] = dict(
            torch=torch.get_rng_state(),
            cuda=torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [])

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        self._resumed = checkpoint.get('rng_state')

    def before_train(self, runner) -> None:
        if self._resumed is None:
            return
        torch.set_rng_state(self._resumed['torch'])
        if self._resumed['cuda'] and torch.cuda.is_available():
            torch.cuda.set_rng_state_all(self._resumed['cuda'])
        self._resumed = None


_BUFFER = 'history_buffer'  # the plain form of an MMEngine HistoryBuffer in our checkpoints


def _plain(obj):
    """`obj` with HistoryBuffers as plain dicts and numpy values as Python ones."""
    from mmengine.logging import HistoryBuffer
    if isinstance(obj, HistoryBuffer):
        log, count = obj.data
        return {_BUFFER: dict(log=log.tolist(), count=count.tolist(), max_length=obj.max_length)}
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(_plain(v) for v in obj)
    return obj.tolist() if hasattr(obj, 'tolist') and type(obj).__module__ == 'numpy' else obj


def _buffers(obj):
    """The inverse of `_plain` for HistoryBuffers (what MMEngine's MessageHub resumes)."""
    from mmengine.logging import HistoryBuffer
    if isinstance(obj, dict):
        if set(obj) == {_BUFFER}:
            b = obj[_BUFFER]
            return HistoryBuffer(b['log'], b['count'], b['max_length'])
        return {k: _buffers(v) for k, v in obj.items()}
    return obj


@HOOKS.register_module()
class PlainCheckpointHook(Hook):
    """Checkpoints that any weights-only reader opens without an allow-list: torch.load's
    default since 2.6, mmdet's init_detector, mmseg's init_model. MMEngine puts its message
    hub's HistoryBuffers and numpy scalars in every checkpoint, which weights-only loading
    refuses; they are written as plain lists and numbers, and made HistoryBuffers again when
    a run resumes. Our Runner registers it on every run."""

    priority = 'LOWEST'  # after every other hook has added its part

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        if 'message_hub' in checkpoint:
            checkpoint['message_hub'] = _plain(checkpoint['message_hub'])

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        if 'message_hub' in checkpoint:
            checkpoint['message_hub'] = _buffers(checkpoint['message_hub'])


@HOOKS.register_module()
class CheckFiniteLossHook(Hook):
    """Raise at the first non-finite loss. Runs before CheckpointHook, so the weights the
    bad step produced are never saved."""

    priority = 'ABOVE_NORMAL'

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        losses = {k: float(torch.as_tensor(v).detach()) for k, v in (outputs or {}).items()
                  if 'loss' in k}
        bad = {k: v for k, v in losses.items() if not math.isfinite(v)}
        if not bad:
            return
        last = osp.join(runner.work_dir, 'last_checkpoint')
        saved = open(last).read().strip() if osp.isfile(last) else None
        raise FloatingPointError(
            f'non-finite loss at iteration {runner.iter + 1}: '
            + ', '.join(f'{k}={v}' for k, v in bad.items())
            + '. Training stopped; ' + (f'the last good checkpoint is {saved} '
                                        f'(--resume continues from it)' if saved else
                                        'no checkpoint had been written yet'))
