# Demo pretraining: ResNet-50's ImageNet classifier (torchvision's) on the demo's "ImageNet",
# with the same optimizer and schedule as ConvNeXt-T's.
_base_ = './convnext-t_demo-shapes-cls.py'
model = dict(backbone=dict(_delete_=True, type='backbones.ResNet', depth=50))
