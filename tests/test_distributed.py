"""Beyond one machine: two torchrun "nodes" of one process each on 127.0.0.1
(tools/dist_train.sh with NNODES / NODE_RANK / MASTER_ADDR / MASTER_PORT), and two Slurm tasks
(--launcher slurm, Slurm's variables, a stand-in `scontrol`); both ranks end with the same
weights. gloo on the CPU."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from mmengine.config import Config

from backbones.data.demo import make_coco_shapes

ROOT = Path(__file__).resolve().parents[1]
DEMO_R50 = ROOT / 'configs/demo/mask-rcnn_r50_fpn_demo-shapes.py'
ITERS = 3
# Saves each rank's parameters at the end of the run, so the ranks can be compared.
DUMP_HOOK = '''
import torch
import torch.distributed as dist
from mmengine.hooks import Hook
from mmengine.registry import HOOKS


@HOOKS.register_module()
class DumpRankParameters(Hook):
    def _dump(self, runner, when):
        model = getattr(runner.model, 'module', runner.model)
        torch.save({n: p.detach().cpu().clone() for n, p in model.named_parameters()},
                   f'{runner.work_dir}/{when}_rank{dist.get_rank()}_of_{dist.get_world_size()}.pth')

    def before_train(self, runner):
        self._dump(runner, 'start')

    def after_run(self, runner):
        self._dump(runner, 'end')
'''


@pytest.fixture(scope='module')
def config(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('dist')
    root = str(make_coco_shapes(tmp / 'data')) + '/'
    (tmp / 'rank_dump.py').write_text(DUMP_HOOK)
    cfg = Config.fromfile(DEMO_R50)
    cfg.merge_from_dict({
        'train_dataloader.dataset.data_root': root, 'train_dataloader.batch_size': 2,
        'train_cfg.max_iters': ITERS, 'train_cfg.val_interval': 100,
        'default_hooks.checkpoint.interval': ITERS, 'default_hooks.logger.interval': 1,
        'custom_imports': dict(imports=['backbones', 'rank_dump'], allow_failed_imports=False),
        'custom_hooks': [dict(type='DumpRankParameters')]})
    cfg.val_dataloader = cfg.val_evaluator = cfg.val_cfg = None  # training only
    cfg.dump(tmp / 'demo.py')
    return tmp


def _env(config: Path, **extra) -> dict:
    """This interpreter's environment first on PATH (the scripts call torchrun), as an
    activated virtual environment would have it."""
    path = os.pathsep.join([os.path.dirname(sys.executable), os.environ.get('PATH', '')])
    return dict(os.environ, PYTHONPATH=os.pathsep.join([str(config), str(ROOT)]),
                **{'PATH': path, **extra})


def _same_parameters(work_dir: Path, world: int) -> None:
    load = lambda when, r: torch.load(work_dir / f'{when}_rank{r}_of_{world}.pth',  # noqa: E731
                                      weights_only=True)
    ranks = [load('end', r) for r in range(world)]
    start = load('start', 0)
    assert ranks[0].keys() == ranks[1].keys() and len(ranks[0]) > 100
    for name in ranks[0]:
        torch.testing.assert_close(ranks[0][name], ranks[1][name], rtol=0, atol=0, msg=name)
    moved = [n for n in start if not torch.equal(start[n], ranks[0][n])]
    assert len(moved) > 0.5 * len(start)  # they trained, in step
    assert (work_dir / f'iter_{ITERS}.pth').is_file()


def _wait(procs) -> None:
    outs = [p.communicate(timeout=600) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, (out + err)[-4000:]


def test_two_nodes_one_process_each(config, tmp_path):
    work_dir = tmp_path / 'work'
    procs = [subprocess.Popen(
        ['bash', 'tools/dist_train.sh', str(config / 'demo.py'), '1', '--work-dir', str(work_dir)],
        cwd=ROOT, env=_env(config, NNODES='2', NODE_RANK=str(rank), MASTER_ADDR='127.0.0.1',
                           MASTER_PORT='29531'),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for rank in (0, 1)]
    _wait(procs)
    _same_parameters(work_dir, 2)


def test_slurm_launcher_two_tasks(config, tmp_path):
    bin_dir = tmp_path / 'bin'
    bin_dir.mkdir()
    scontrol = bin_dir / 'scontrol'  # `scontrol show hostname NODELIST`: the first node
    scontrol.write_text('#!/bin/sh\necho 127.0.0.1\n')
    scontrol.chmod(0o755)
    work_dir = tmp_path / 'work'
    procs = [subprocess.Popen(
        [sys.executable, 'tools/train.py', str(config / 'demo.py'), '--launcher', 'slurm',
         '--work-dir', str(work_dir)], cwd=ROOT,
        env=_env(config, SLURM_PROCID=str(rank), SLURM_NTASKS='2', SLURM_LOCALID=str(rank),
                 SLURM_NODELIST='node[1-2]', MASTER_PORT='29533',
                 PATH=os.pathsep.join([str(bin_dir), os.path.dirname(sys.executable),
                                       os.environ['PATH']])),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for rank in (0, 1)]
    _wait(procs)
    _same_parameters(work_dir, 2)


def test_slurm_launcher_outside_slurm_says_so(config):
    env = {k: v for k, v in _env(config).items() if not k.startswith('SLURM_')}
    run = subprocess.run([sys.executable, 'tools/train.py', str(config / 'demo.py'),
                          '--launcher', 'slurm'], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode != 0
    assert '--launcher slurm needs SLURM_PROCID, SLURM_NTASKS, SLURM_NODELIST' in run.stderr
