"""The suite's time budget, checked by `make test` (pytest --budget): no test may take longer
than LIMIT seconds, and no shared fixture (module or session scope) longer than FIXTURE_LIMIT,
unless it states, next to it, how long it may take and why:

    @pytest.mark.slow(seconds=40, reason='trains the demo detector: AP is the figure checked')
    def test_...

    @pytest.fixture(scope='module')
    @budget(seconds=60, reason='one 150-iteration run, shared by the five tests below')
    def trained(...): ...

Seconds are for the reference machine (REFERENCE); on another one they are scaled by how
much slower a fixed single-thread float32 probe runs there (`machine_factor`), and a run fails
only past TOLERANCE times that, so noise does not fail it. A test's time is its setup, call and
teardown without the shared fixtures it starts (those are charged to the fixture).
"""
from __future__ import annotations

import time

import torch

REFERENCE = '2-core AMD EPYC, AVX-512 with native bfloat16 (2026-12-02)'
LIMIT = 45.0          # seconds for a test without a `slow` mark
FIXTURE_LIMIT = 45.0  # seconds for a shared fixture without `budget`
MAX_SECONDS = 300.0   # no test or fixture may claim more, reason or not
TOLERANCE = 2.0
SUITE_MINUTES = 12    # the whole suite on the reference machine (README; docs/install.md)
WORKERS = 2           # test processes of `make test` (-n 2), one thread each
PROBE_REFERENCE_S = 0.135  # `probe()` on the reference machine (0.132-0.139 measured)


def budget(*, seconds: float, reason: str):
    """Mark a shared fixture's function with the seconds it may take and why."""
    def mark(fn):
        fn.budget = (float(seconds), reason)
        return fn
    return mark


def probe() -> float:
    """Seconds of a fixed single-thread float32 workload (matmuls and a convolution), the
    best of three: how fast this machine is against the reference."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    g = torch.Generator().manual_seed(0)
    a = torch.randn(384, 384, generator=g)
    x, w = torch.randn(4, 64, 56, 56, generator=g), torch.randn(64, 64, 3, 3, generator=g)
    best = float('inf')
    try:
        for _ in range(3):
            start = time.perf_counter()
            for _ in range(80):
                a @ a
            torch.nn.functional.conv2d(x, w, padding=1)
            torch.nn.functional.conv2d(x, w, padding=1)
            best = min(best, time.perf_counter() - start)
    finally:
        torch.set_num_threads(threads)
    return best


def machine_factor() -> float:
    """How many times slower than the reference this machine runs (at least 1)."""
    return max(1.0, probe() / PROBE_REFERENCE_S)
