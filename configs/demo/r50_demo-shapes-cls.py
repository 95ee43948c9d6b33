# Demo pretraining: ResNet-50's ImageNet classifier (torchvision's) on the demo's "ImageNet",
# same optimizer as ConvNeXt-T's, in float32 and 600 steps (it reaches 100% top-1 there).
# Blocks do not start as the identity (zero_init_residual=False, torchvision's default): a few
# hundred steps learn faster so.
_base_ = './convnext-t_demo-shapes-cls.py'
model = dict(backbone=dict(_delete_=True, type='backbones.ResNet', depth=50,
                           zero_init_residual=False))
optim_wrapper = dict(type='OptimWrapper')
train_cfg = dict(max_iters=600, val_interval=600)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, end=30),
    dict(type='CosineAnnealingLR', eta_min=1e-5, by_epoch=False, begin=30, end=600)]
default_hooks = dict(checkpoint=dict(interval=600))
