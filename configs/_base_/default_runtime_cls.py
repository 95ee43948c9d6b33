# Runtime of the classification (pretraining) configs: scope `backbones`, iteration-based
# logging and checkpoints, the same safety hooks as the detection and segmentation runtimes.
default_scope = 'backbones'
custom_imports = dict(imports=['backbones'], allow_failed_imports=False)
# Our Runner (atomic checkpoints, derived in_channels and class counts, checks before the first
# batch) also when mmdet's / mmseg's own tools/train.py and tools/test.py start the run.
runner_type = 'backbones.Runner'
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50, log_metric_by_epoch=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=5000, max_keep_ckpts=2),
    sampler_seed=dict(type='DistSamplerSeedHook'))
custom_hooks = [dict(type='backbones.RNGStateHook'), dict(type='backbones.CheckFiniteLossHook')]
env_cfg = dict(cudnn_benchmark=True, dist_cfg=dict(backend='nccl'))
vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(type='Visualizer', vis_backends=vis_backends)
log_processor = dict(by_epoch=False)
log_level = 'INFO'
load_from = None
resume = False
