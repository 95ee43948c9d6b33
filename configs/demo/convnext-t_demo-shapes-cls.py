# Demo pretraining: ConvNeXt-T's ImageNet classifier on the demo's "ImageNet" (six black-and-white
# pattern classes, 48x48, configs/_base_/datasets/demo_shapes_cls.py) with the ImageNet recipe's
# optimizer (AdamW, wd 0.05 off norms and biases, warm-up then cosine) for CPU minutes: 600
# steps of 32 (README, "Why ConvNeXt-T's pretraining falls short": the search that chose them).
# Layer scale starts at 1.0, not 1e-6: from 1e-6 the blocks stay near zero for the few hundred
# steps a demo has (as in the demo detectors). tools/study.py exports the result as the
# official release file, which the *-pre demo configs read through init_cfg.
_base_ = ['../_base_/models/image-classifier.py', '../_base_/datasets/demo_shapes_cls.py',
          '../_base_/default_runtime_cls.py']
model = dict(num_classes=6, backbone=dict(drop_path_rate=0.05, layer_scale_init_value=1.0))
optim_wrapper = dict(type='OptimWrapper', clip_grad=dict(max_norm=5.0),
                     optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.05),
                     paramwise_cfg=dict(norm_decay_mult=0, bias_decay_mult=0))
train_cfg = dict(type='IterBasedTrainLoop', max_iters=600, val_interval=600)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, end=30),
    dict(type='CosineAnnealingLR', eta_min=1e-5, by_epoch=False, begin=30, end=600)]
default_hooks = dict(logger=dict(interval=50), checkpoint=dict(interval=600))
randomness = dict(seed=0)
