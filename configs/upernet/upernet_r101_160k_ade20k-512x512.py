# UperNet, ResNet-101 (torchvision weights), 512x512 crops, 160k iterations, mmseg's SGD recipe.
# Paper: not reported (baseline). mmseg's UperNet R-101-V1c (deep stem): mIoU 43.82 / 44.85 ms.
_base_ = './upernet_r50_160k_ade20k-512x512.py'
model = dict(backbone=dict(
    depth=101, init_cfg=dict(checkpoint='torchvision://resnet101')))
