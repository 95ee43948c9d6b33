"""Which precision a device computes natively, and a one-line description of the machine
(printed by the study and the benchmarks beside their figures)."""
from __future__ import annotations

import os

import torch


def cpu_computes_natively(dtype: torch.dtype) -> bool:
    """torch's own query: whether oneDNN has native `dtype` kernels for this CPU's ISA."""
    return {torch.bfloat16: torch.ops.mkldnn._is_mkldnn_bf16_supported,
            torch.float16: torch.ops.mkldnn._is_mkldnn_fp16_supported}[dtype]()


def autocast_unsupported(device: str, dtype: torch.dtype) -> str | None:
    """Why `device` cannot run `dtype` autocast at speed, or None where it computes it natively.
    A CPU without native bfloat16 (AVX2 only, no AVX-512 BF16 / AMX) emulates it: a ConvNeXt-T
    training step took 10x as long as in float32 there. Asks torch's own kernel query (oneDNN's
    ISA check), not the CPU's name."""
    if device == 'cpu':
        native = cpu_computes_natively(dtype)
        what = f'this CPU ({torch.backends.cpu.get_cpu_capability()})'
    elif device == 'cuda':
        native = dtype == torch.float16 or torch.cuda.is_bf16_supported(including_emulation=False)
        what = f'this GPU ({torch.cuda.get_device_name()})'
    else:
        return None  # mps, xpu, ...: torch.autocast itself says what it does not support
    if native:
        return None
    return (f'{what} has no native {str(dtype).split(".")[-1]} kernels (torch\'s oneDNN / CUDA '
            'query), so autocast would emulate them, several times slower than float32')


def machine_summary() -> str:
    """'cpu AVX512 (native bfloat16: yes), 2 cores, torch 2.14.1' or the GPU's name."""
    if torch.cuda.is_available():
        return (f'cuda {torch.cuda.get_device_name()} (native bfloat16: '
                f'{"yes" if autocast_unsupported("cuda", torch.bfloat16) is None else "no"}), '
                f'torch {torch.__version__}')
    native = 'yes' if cpu_computes_natively(torch.bfloat16) else 'no, emulated'
    return (f'cpu {torch.backends.cpu.get_cpu_capability()} (native bfloat16: {native}), '
            f'{os.cpu_count()} cores, torch {torch.__version__}')
