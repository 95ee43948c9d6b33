# mmseg's runtime (default scope mmseg, SegTTAModel for --tta) and ours (runtime.py). Hooks and
# intervals come with the schedule.
_base_ = ['mmseg::_base_/default_runtime.py', './runtime.py']
