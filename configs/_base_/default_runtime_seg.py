# mmseg's runtime (default scope mmseg, SegTTAModel for --tta), plus the import that registers
# the backbones.* types. Hooks and intervals come with the schedule.
_base_ = 'mmseg::_base_/default_runtime.py'
custom_imports = dict(imports=['backbones'], allow_failed_imports=False)
# Atomic checkpoints come with backbones.engine.runner.Runner (the tools use it); these hooks put
# torch's random state in each checkpoint (exact resume) and stop at a non-finite loss.
custom_hooks = [dict(type='backbones.RNGStateHook'), dict(type='backbones.CheckFiniteLossHook')]
