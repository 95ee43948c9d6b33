"""Runs that last days: a SIGKILLed run resumes to the same weights and metrics, a crash while
saving keeps the previous checkpoint, a non-finite loss stops the run and keeps the last good
checkpoint."""
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.hooks import Hook

from backbones.engine.config import prepare
from backbones.data.demo import make_ade_shapes
from backbones.engine.runner import Runner

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / 'configs/demo/upernet_r50_demo-shapes.py'
ITERS, EVERY = 12, 4


@pytest.fixture(scope='module')
def data_root(tmp_path_factory):
    return make_ade_shapes(tmp_path_factory.mktemp('rel') / 'ade', num_train=40, num_val=8)


def _config(data_root: Path, path: Path, **options) -> Path:
    """The demo UperNet-R50 (dropout in its heads draws from torch's RNG), short, in
    deterministic mode, checkpointing every EVERY iterations."""
    cfg = Config.fromfile(DEMO)
    cfg.merge_from_dict({
        'train_dataloader.dataset.data_root': str(data_root),
        'val_dataloader.dataset.data_root': str(data_root),
        'test_dataloader.dataset.data_root': str(data_root),
        'train_cfg.max_iters': ITERS, 'train_cfg.val_interval': ITERS,
        'param_scheduler.0.end': ITERS, 'default_hooks.checkpoint.interval': EVERY,
        'default_hooks.logger.interval': 4, 'randomness.deterministic': True, **options})
    cfg.dump(path)
    return path


def _train(config: Path, work_dir: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, 'tools/train.py', str(config), '--work-dir',
                             str(work_dir), *extra], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def _miou(log: str) -> float:
    return float(re.findall(r'mIoU: ([\d.]+)', log)[-1])


@pytest.mark.slow(seconds=90, reason=(
    'two training subprocesses of 12 iterations, one killed and resumed'))
def test_sigkill_then_resume_equals_uninterrupted(data_root, tmp_path):
    config = _config(data_root, tmp_path / 'cfg.py')
    straight = _train(config, tmp_path / 'straight')
    log_straight = straight.communicate(timeout=600)[0]
    assert straight.returncode == 0, log_straight[-3000:]

    killed = _train(config, tmp_path / 'killed')
    last = tmp_path / 'killed' / 'last_checkpoint'
    deadline = time.time() + 300
    while not (last.is_file() and re.search(r'iter_(4|8)\.pth', last.read_text())):
        assert killed.poll() is None and time.time() < deadline, 'no checkpoint to kill after'
        time.sleep(0.05)
    killed.send_signal(signal.SIGKILL)  # mid-training, after checkpoint 4 (or 8)
    killed.communicate(timeout=60)
    assert killed.returncode == -signal.SIGKILL
    assert not (tmp_path / 'killed' / f'iter_{ITERS}.pth').exists()

    resumed = _train(config, tmp_path / 'killed', '--resume')
    log_resumed = resumed.communicate(timeout=600)[0]
    assert resumed.returncode == 0, log_resumed[-3000:]
    assert 'Advance dataloader' in log_resumed  # it did resume, from a checkpoint >= 4
    final = [torch.load(d / f'iter_{ITERS}.pth', map_location='cpu')
             for d in (tmp_path / 'straight', tmp_path / 'killed')]
    a, b = (f['state_dict'] for f in final)
    assert a.keys() == b.keys()
    differing = [k for k in a if not torch.equal(a[k], b[k])]
    assert not differing, f'{len(differing)} tensors differ, e.g. {differing[:3]}'
    assert _miou(log_resumed) == _miou(log_straight)
    # Without backbones.RNGStateHook (custom_hooks=[]) 331 of the tensors differ: the heads'
    # dropout draws from torch's RNG, which MMEngine neither saves nor restores.


def test_crash_while_saving_keeps_previous_checkpoint(data_root, tmp_path):
    """A real SIGKILL in the middle of writing a checkpoint file."""
    config = _config(data_root, tmp_path / 'cfg.py', **{'train_cfg.max_iters': 2,
                                                         'param_scheduler.0.end': 2,
                                                         'default_hooks.checkpoint.interval': 1})
    work_dir = tmp_path / 'run'
    script = textwrap.dedent(f"""
        import os, signal
        import mmengine.runner.runner as mm
        from mmengine.config import Config
        from backbones.engine.config import prepare
        from backbones.engine.runner import Runner
        cfg = Config.fromfile({str(config)!r})
        cfg.work_dir = {str(work_dir)!r}
        runner = Runner.from_cfg(prepare(cfg))
        runner.train()  # writes iter_1.pth, iter_2.pth
        def dying_save(checkpoint, path, **kwargs):
            with open(path, 'wb') as f:
                f.write(b'PK' * 1000)  # half a file...
                f.flush()
                os.kill(os.getpid(), signal.SIGKILL)  # ...and the machine goes away
        mm.save_checkpoint = dying_save
        runner.save_checkpoint({str(work_dir)!r}, 'iter_2.pth', by_epoch=False)
    """)
    run = subprocess.run([sys.executable, '-c', script], cwd=ROOT, capture_output=True,
                         text=True, timeout=600)
    assert run.returncode == -signal.SIGKILL, run.stderr[-3000:]
    before = torch.load(work_dir / 'iter_1.pth', map_location='cpu')
    after = torch.load(work_dir / 'iter_2.pth', map_location='cpu')  # intact and loadable
    assert after['meta']['iter'] == 2 and before['meta']['iter'] == 1
    leftovers = [p.name for p in work_dir.iterdir() if p.name.endswith('.tmp')]
    assert leftovers == ['.iter_2.pth.tmp']  # the half file went to the side, not over it
    assert (work_dir / '.iter_2.pth.tmp').stat().st_size == 2000


class _PoisonHook(Hook):
    """Turns one weight into NaN before iteration `at`, as a diverging run would."""

    def __init__(self, at: int) -> None:
        self.at = at

    def before_train_iter(self, runner, batch_idx, data_batch=None) -> None:
        if runner.iter + 1 == self.at:
            with torch.no_grad():
                runner.model.decode_head.conv_seg.weight.fill_(float('nan'))


def test_non_finite_loss_stops_and_keeps_last_good_checkpoint(data_root, tmp_path):
    cfg = Config.fromfile(_config(data_root, tmp_path / 'cfg.py', **{
        'default_hooks.checkpoint.interval': 2, 'visualizer.name': 'nan_run'}))
    cfg.work_dir = str(tmp_path / 'run')
    runner = Runner.from_cfg(prepare(cfg))
    runner.register_hook(_PoisonHook(at=5))
    with pytest.raises(FloatingPointError, match=r'non-finite loss at iteration 5: .*loss.*nan'
                                                 r'.*last good checkpoint is .*iter_4\.pth'):
        runner.train()
    saved = sorted(p.name for p in (tmp_path / 'run').glob('iter_*.pth'))
    assert saved == ['iter_2.pth', 'iter_4.pth']
    good = torch.load(tmp_path / 'run' / 'iter_4.pth', map_location='cpu')['state_dict']
    assert all(torch.isfinite(v).all() for v in good.values() if v.is_floating_point())
    assert os.path.getsize(tmp_path / 'run' / 'last_checkpoint') > 0
