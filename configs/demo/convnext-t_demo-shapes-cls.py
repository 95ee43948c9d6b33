# Demo pretraining: ConvNeXt-T's ImageNet classifier on the demo's "ImageNet" (eight shape
# classes, 64x64, configs/_base_/datasets/demo_shapes_cls.py): the ImageNet recipe's optimizer
# (AdamW, wd 0.05 off norms and biases, warm-up then cosine, drop path 0.1) for CPU minutes.
# tools/demo.py exports the result as the official release file, which the *_pretrained demo
# configs read through init_cfg.
_base_ = ['../_base_/models/image-classifier.py', '../_base_/datasets/demo_shapes_cls.py',
          '../_base_/default_runtime_cls.py']
model = dict(num_classes=8, backbone=dict(drop_path_rate=0.1))
optim_wrapper = dict(type='OptimWrapper', clip_grad=dict(max_norm=5.0),
                     optimizer=dict(type='AdamW', lr=2e-3, weight_decay=0.05),
                     paramwise_cfg=dict(norm_decay_mult=0, bias_decay_mult=0))
train_cfg = dict(type='IterBasedTrainLoop', max_iters=300, val_interval=300)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, end=30),
    dict(type='CosineAnnealingLR', eta_min=1e-5, by_epoch=False, begin=30, end=300)]
default_hooks = dict(logger=dict(interval=20), checkpoint=dict(interval=300))
randomness = dict(seed=0)
