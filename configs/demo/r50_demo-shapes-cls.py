# Demo pretraining: ResNet-50's ImageNet classifier (torchvision's) on the demo's "ImageNet",
# same optimizer as ConvNeXt-T's, in float32 and 200 steps (98-99% top-1 after 200 of a
# 300-step run, 100% after 300; seeds 0 and 1).
# Blocks do not start as the identity (zero_init_residual=False, torchvision's default): a few
# hundred steps learn faster so.
_base_ = './convnext-t_demo-shapes-cls.py'
model = dict(backbone=dict(_delete_=True, type='backbones.ResNet', depth=50,
                           zero_init_residual=False))
train_cfg = dict(max_iters=200, val_interval=200)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, end=30),
    dict(type='CosineAnnealingLR', eta_min=1e-5, by_epoch=False, begin=30, end=200)]
default_hooks = dict(checkpoint=dict(interval=200))
