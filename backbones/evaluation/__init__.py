"""Measuring and showing results: metrics, predictions drawn (pictures), a work dir's
results and curves (results), FLOP counting (flops), the paper's figures (paper). Only the
registered parts are imported here; the rest by module. (What runs experiments with these,
the transfer study and the speed benchmarks, is backbones.experiments.)"""
from .metrics import Accuracy
from .pictures import ShowPredictionsHook

__all__ = ['Accuracy', 'ShowPredictionsHook']
