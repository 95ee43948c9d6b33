# 12 epochs, lr x0.1 at epochs 8 and 11 after 500 iterations of linear warm-up (batch 16).
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=12, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
param_scheduler = [
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0, end=500),
    dict(type='MultiStepLR', begin=0, end=12, by_epoch=True, milestones=[8, 11], gamma=0.1)]
auto_scale_lr = dict(enable=False, base_batch_size=16)
# The paper's 3x: 36 epochs, lr x0.1 at epochs 27 and 33, the same 500-iteration warm-up (as
# in the official configs' Swin base schedule); *_ms-crop-3x configs use
# train_cfg = dict(max_epochs=36) and param_scheduler = {{_base_.param_scheduler_3x}}.
param_scheduler_3x = [
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0, end=500),
    dict(type='MultiStepLR', begin=0, end=36, by_epoch=True, milestones=[27, 33], gamma=0.1)]
