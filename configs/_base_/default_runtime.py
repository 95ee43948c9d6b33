# mmdet's runtime (default scope mmdet, a checkpoint each epoch, log every 50 iterations) and
# ours (runtime.py).
_base_ = ['mmdet::_base_/default_runtime.py', './runtime.py']
