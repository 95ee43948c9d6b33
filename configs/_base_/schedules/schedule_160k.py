# The paper's ADE20K schedule: 160k iterations (batch 16), linear warm-up over 1500 iterations
# from 1e-6 of the lr, then poly decay (power 1.0) to 0; validate and checkpoint every 16k.
train_cfg = dict(type='IterBasedTrainLoop', max_iters=160000, val_interval=16000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-6, by_epoch=False, begin=0, end=1500),
    dict(type='PolyLR', power=1.0, eta_min=0.0, by_epoch=False, begin=1500, end=160000)]
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50, log_metric_by_epoch=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=16000),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='SegVisualizationHook'))
# --auto-scale-lr: the lr is for batch 16 (8 GPUs x 2), scaled to the real batch.
auto_scale_lr = dict(enable=False, base_batch_size=16)
