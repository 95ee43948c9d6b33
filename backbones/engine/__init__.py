"""Running models: config preparation (derived in_channels, CPU adaptation, key checks,
TTA), the Runner and its hooks (atomic checkpoints, exact resume, progress, test results),
loading whole checkpoints, the layer-decay optimizer constructor and the autocast optimizer
wrapper."""
from .config import add_tensorboard, build_model, check_keys, prepare, use_tta
from .optim import AutocastOptimWrapper, LayerDecayOptimWrapperConstructor
from .runner import (CheckFiniteLossHook, EvalProgressHook, PlainCheckpointHook, RNGStateHook,
                     Runner, load_weights, revise_state)

__all__ = ['AutocastOptimWrapper', 'CheckFiniteLossHook', 'EvalProgressHook',
           'LayerDecayOptimWrapperConstructor', 'PlainCheckpointHook', 'RNGStateHook', 'Runner',
           'add_tensorboard', 'build_model',
           'check_keys', 'load_weights', 'prepare', 'revise_state', 'use_tta']
