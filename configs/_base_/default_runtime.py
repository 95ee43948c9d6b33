# mmdet's runtime (default scope mmdet, a checkpoint each epoch, log every 50 iterations),
# plus the import that registers the backbones.* types.
_base_ = 'mmdet::_base_/default_runtime.py'
custom_imports = dict(imports=['backbones'], allow_failed_imports=False)
# Our Runner (atomic checkpoints, derived in_channels and class counts, checks before the first
# batch) also when mmdet's / mmseg's own tools/train.py and tools/test.py start the run.
runner_type = 'backbones.Runner'
# These hooks put torch's random state in each checkpoint (exact resume) and stop at a
# non-finite loss.
custom_hooks = [dict(type='backbones.RNGStateHook'), dict(type='backbones.CheckFiniteLossHook')]
