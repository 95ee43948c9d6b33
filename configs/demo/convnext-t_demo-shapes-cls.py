# Demo pretraining: ConvNeXt-T's ImageNet classifier on the demo's "ImageNet" (six black-and-white
# pattern classes, 40x40, configs/_base_/datasets/demo_shapes_cls.py) with the ImageNet recipe's
# optimizer (AdamW, wd 0.05 off norms and biases, warm-up then cosine) for CPU minutes: 900
# steps of 32, in float32 on every CPU. bfloat16 autocast (backbones.AutocastOptimWrapper, where
# the CPU computes it natively) was 1.3x faster there, but at 40 px its weaker seed reached
# 61.7-64.0 top-1 against 67.3-67.7 in float32, and the detector from it 10.0 box AP against
# 19.6 (docs/demo.md); one precision also gives every machine the same figures.
# Layer scale starts at the official 1e-6: from 1.0, at lr 1e-3, the last stages' features stop
# depending on the input within 50 steps and the loss sits at ln 6 for 150-400 steps
# (docs/demo.md, "Why ConvNeXt-T's pretraining stalled"). tools/study.py exports the result as
# the official release file, which the *-pre demo configs read through init_cfg.
_base_ = ['../_base_/models/image-classifier.py', '../_base_/datasets/demo_shapes_cls.py',
          '../_base_/default_runtime_cls.py']
model = dict(num_classes=6, backbone=dict(drop_path_rate=0.05, layer_scale_init_value=1e-6))
# fused=True (every demo AdamW): torch's one-pass AdamW kernel, the for-loop update to float32
# rounding, 14 vs 78 ms a ConvNeXt-T update on one core (tests/test_speed_options.py).
optim_wrapper = dict(type='OptimWrapper', clip_grad=dict(max_norm=5.0),
                     optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.05, fused=True),
                     paramwise_cfg=dict(norm_decay_mult=0, bias_decay_mult=0))
train_cfg = dict(type='IterBasedTrainLoop', max_iters=900, val_interval=900)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, end=30),
    dict(type='CosineAnnealingLR', eta_min=1e-5, by_epoch=False, begin=30, end=900)]
default_hooks = dict(logger=dict(interval=50), checkpoint=dict(interval=900))
randomness = dict(seed=0)
