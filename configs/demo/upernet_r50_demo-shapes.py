# Demo: UperNet with ResNet-50 from scratch on the embedded semantic shapes set, CPU minutes.
# Narrower heads (64 / 32 channels instead of 512 / 256) keep a CPU iteration short.
# The optimizer and schedule shape of the paper's UperNet ConvNeXt-T config (AdamW, a short
# linear warm-up, then linear decay to 0), at 2e-4 for 120 iterations instead of 1e-4 for 160k,
# for both backbones, as the demo's Mask R-CNNs share AdamW. Under mmseg's SGD 0.02 (poly)
# ResNet-50 from scratch caught up with its pretrained twin on this set within 150 iterations
# (docs/demo.md, "The UperNet recipe").
_base_ = [
    '../_base_/models/upernet.py', '../_base_/datasets/demo_shapes_semantic.py',
    '../_base_/schedules/schedule_160k.py', '../_base_/default_runtime_seg.py'
]
model = dict(
    data_preprocessor=dict(size=(128, 128)), backbone=dict(init_cfg=None),
    decode_head=dict(channels=64, num_classes=4), auxiliary_head=dict(channels=32, num_classes=4),
    test_cfg=dict(_delete_=True, mode='whole'))
optim_wrapper = dict(type='OptimWrapper',
                     optimizer=dict(type='AdamW', lr=2e-4, betas=(0.9, 0.999), weight_decay=0.05,
                                    fused=True))
max_iters = 120  # the study's budget; the schedule and checkpoint below follow it
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, end=10),
    dict(type='PolyLR', power=1.0, eta_min=0.0, by_epoch=False, begin=10, end=max_iters)]
default_hooks = dict(logger=dict(interval=20), checkpoint=dict(interval=max_iters))
auto_scale_lr = dict(base_batch_size=4)  # the lr above is for the demo's batch of 4
randomness = dict(seed=0)  # seeded; see docs/demo.md for how much the figures vary run to run
