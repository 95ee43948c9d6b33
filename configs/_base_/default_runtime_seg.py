# mmseg's runtime (default scope mmseg, SegTTAModel for --tta), plus the import that registers
# the backbones.* types. Hooks and intervals come with the schedule.
_base_ = 'mmseg::_base_/default_runtime.py'
custom_imports = dict(imports=['backbones'], allow_failed_imports=False)
# Our Runner (atomic checkpoints, derived in_channels and class counts, checks before the first
# batch) also when mmdet's / mmseg's own tools/train.py and tools/test.py start the run.
runner_type = 'backbones.Runner'
# These hooks put torch's random state in each checkpoint (exact resume) and stop at a
# non-finite loss.
custom_hooks = [dict(type='backbones.RNGStateHook'), dict(type='backbones.CheckFiniteLossHook')]
