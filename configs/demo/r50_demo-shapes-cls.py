# Demo pretraining: ResNet-50's ImageNet classifier (torchvision's) on the demo's "ImageNet",
# same optimizer and schedule as ConvNeXt-T's. Blocks do not start as the identity
# (zero_init_residual=False, torchvision's default): a few hundred steps learn faster so.
_base_ = './convnext-t_demo-shapes-cls.py'
model = dict(backbone=dict(_delete_=True, type='backbones.ResNet', depth=50,
                           zero_init_residual=False))
