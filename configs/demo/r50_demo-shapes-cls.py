# Demo pretraining: ResNet-50's ImageNet classifier (torchvision's) on the demo's "ImageNet",
# same optimizer as ConvNeXt-T's, in float32 and 300 steps (top-1 98.7 after 200).
# Blocks do not start as the identity (zero_init_residual=False, torchvision's default): a few
# hundred steps learn faster so.
_base_ = './convnext-t_demo-shapes-cls.py'
model = dict(backbone=dict(_delete_=True, type='backbones.ResNet', depth=50,
                           zero_init_residual=False))
optim_wrapper = dict(type='OptimWrapper')
train_cfg = dict(max_iters=300, val_interval=300)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, end=30),
    dict(type='CosineAnnealingLR', eta_min=1e-5, by_epoch=False, begin=30, end=300)]
default_hooks = dict(checkpoint=dict(interval=300))
