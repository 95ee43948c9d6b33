"""Where a run starts: what a config cannot do by itself, done once the Runner starts (its
`setup_env`), never while a config is prepared.

On a machine without CUDA, a distributed run (`--launcher pytorch` or `slurm`) joins its
process group here with the gloo backend: MMEngine's own init calls torch.cuda.set_device,
which the CPU does not have. Under Slurm, the rank, world size and master node come from
Slurm's variables first, as MMEngine's slurm launcher derives them.
"""
from __future__ import annotations

import os
import subprocess

import torch


def join_cpu_process_group(launcher: str) -> None:
    """Join the gloo process group of a distributed CPU run (nothing otherwise)."""
    if (torch.cuda.is_available() or launcher not in ('pytorch', 'slurm')
            or torch.distributed.is_initialized()):
        return
    if launcher == 'slurm':
        slurm_to_torchrun_env()
    torch.distributed.init_process_group('gloo')


def slurm_to_torchrun_env() -> None:
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
