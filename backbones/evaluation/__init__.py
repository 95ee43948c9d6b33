"""Measuring and showing results: metrics, predictions drawn (pictures), a work dir's
results and curves (results), FLOP counting (flops), the paper's figures (paper), the
benchmarks (bench, bench_train) and the transfer experiment (study). Only the registered
parts are imported here; the rest by module."""
from .metrics import Accuracy
from .pictures import ShowPredictionsHook

__all__ = ['Accuracy', 'ShowPredictionsHook']
