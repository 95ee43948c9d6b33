# What every runtime of ours adds to mmdet's, mmseg's or its own: the import that registers the
# backbones.* types, our Runner (atomic checkpoints, derived in_channels and class counts,
# checks before the first batch; also when mmdet's / mmseg's own tools/train.py and
# tools/test.py start the run), and hooks that put torch's random state in each checkpoint
# (exact resume) and stop at a non-finite loss.
custom_imports = dict(imports=['backbones'], allow_failed_imports=False)
runner_type = 'backbones.Runner'
custom_hooks = [dict(type='backbones.RNGStateHook'), dict(type='backbones.CheckFiniteLossHook')]
