# Demo: Mask R-CNN with ConvNeXt-T from scratch on the embedded shapes set, a few CPU minutes.
# Narrower FPN/heads (64 channels) and fewer RoIs than COCO's keep a CPU iteration short.
# 120 iterations, the study's budget (docs/demo.md: the figures, scratch vs demo-pretrained).
# Layer scale starts at 1e-6, the official value for training from scratch (the paper's
# fine-tuning configs write 1.0, which a pretrained checkpoint overwrites); the -pre config
# inherits it and its checkpoint overwrites it the same way.
_base_ = [
    '../_base_/models/mask-rcnn_fpn.py', '../_base_/datasets/demo_shapes_instance.py',
    '../_base_/default_runtime.py'
]
c = 64
model = dict(
    backbone=dict(_delete_=True, type='backbones.ConvNeXt', arch='tiny', drop_path_rate=0.1,
                  layer_scale_init_value=1e-6),
    neck=dict(out_channels=c),
    rpn_head=dict(in_channels=c, feat_channels=c),
    roi_head=dict(
        bbox_roi_extractor=dict(out_channels=c), mask_roi_extractor=dict(out_channels=c),
        bbox_head=dict(in_channels=c, fc_out_channels=256, num_classes=3),
        mask_head=dict(in_channels=c, conv_out_channels=c, num_classes=3)),
    train_cfg=dict(rpn_proposal=dict(nms_pre=500, max_per_img=200),
                   rcnn=dict(sampler=dict(num=128))),
    test_cfg=dict(rpn=dict(nms_pre=300, max_per_img=100)))
# The paper's fine-tuning optimizer (its Mask R-CNN ConvNeXt-T config): AdamW 2e-4, wd 0.05,
# layer-wise lr decay 0.95 over 6 layers; the same for the run from scratch.
optim_wrapper = dict(type='OptimWrapper', clip_grad=dict(max_norm=10),
                     constructor='backbones.LayerDecayOptimWrapperConstructor',
                     optimizer=dict(type='AdamW', lr=2e-4, weight_decay=0.05, fused=True),
                     paramwise_cfg=dict(decay_rate=0.95, decay_type='layer_wise', num_layers=6))
train_dataloader = dict(sampler=dict(type='InfiniteSampler', shuffle=True))
max_iters = 120  # the study's budget; the schedule and checkpoint below follow it
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters, val_interval=max_iters)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
# The paper's 3x schedule shape (lr x0.1 at epochs 27 and 33 of 36) on max_iters, after a
# 20-iteration warm-up. With a constant lr to the end (and a 50-iteration warm-up), the
# final weights were a noisy iterate: box AP 14.4 and 23.4 on two seeds (docs/demo.md).
param_scheduler = [dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=20),
                   dict(type='MultiStepLR', milestones=[max_iters * 27 // 36, max_iters * 33 // 36],
                        gamma=0.1, by_epoch=False)]
default_hooks = dict(logger=dict(interval=20, log_metric_by_epoch=False),  # metrics at their iteration
                     checkpoint=dict(by_epoch=False, interval=max_iters))
log_processor = dict(by_epoch=False)
randomness = dict(seed=0)  # seeded; see docs/demo.md for how much the figures vary run to run
