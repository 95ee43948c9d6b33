"""MMEngine's Runner, made safe for runs that last days.

- `Runner.save_checkpoint` writes to a temporary file in the same folder and renames it: a
  crash while saving leaves the previous checkpoint (and no half file) behind.
- `RNGStateHook` stores torch's random state in every checkpoint and puts it back on resume,
  so dropout / drop path draw the same numbers as an uninterrupted run. (Data augmentation
  draws from numpy, which MMEngine's resume replays by re-reading the skipped batches.)
- `CheckFiniteLossHook` stops at the first NaN / infinite loss, naming the iteration and the
  last checkpoint, before anything is saved from the corrupted weights.
"""
from __future__ import annotations

import math
import os
import os.path as osp

import torch
from mmengine.hooks import Hook
from mmengine.runner import Runner as MMEngineRunner

from .registry import HOOKS, RUNNERS


@RUNNERS.register_module()
class Runner(MMEngineRunner):
    """MMEngine's Runner with atomic checkpoint files."""

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
