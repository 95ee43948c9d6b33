# mmdet's runtime (default scope mmdet, a checkpoint each epoch, log every 50 iterations),
# plus the import that registers the backbones.* types.
_base_ = 'mmdet::_base_/default_runtime.py'
custom_imports = dict(imports=['backbones'], allow_failed_imports=False)
# Atomic checkpoints come with backbones.engine.runner.Runner (the tools use it); these hooks put
# torch's random state in each checkpoint (exact resume) and stop at a non-finite loss.
custom_hooks = [dict(type='backbones.RNGStateHook'), dict(type='backbones.CheckFiniteLossHook')]
