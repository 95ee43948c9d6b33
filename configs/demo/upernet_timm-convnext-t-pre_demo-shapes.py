# ./upernet_timm-convnext-t_demo-shapes.py from the demo-pretrained ConvNeXt-T release file:
# timm reads the official format itself (its convnext checkpoint filter), as it reads
# facebookresearch's files.
_base_ = './upernet_timm-convnext-t_demo-shapes.py'
model = dict(backbone=dict(pretrained=True, pretrained_cfg_overlay=dict(
    file='work_dirs/study/weights/convnext_tiny_demo-shapes.pth', num_classes=6)))
