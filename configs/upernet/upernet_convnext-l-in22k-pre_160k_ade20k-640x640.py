# UperNet, ConvNeXt-L pre-trained on ImageNet-22K, 640x640 crops, 160k iterations, AdamW + stage-wise lr decay, AMP.
# Paper (Table 4, ConvNeXt-L‡): mIoU 53.2 single- / 53.7 multi-scale; 235M, 2458 GFLOPs (at 2560x640).
# Recipe (official config): lr 1e-4, wd 0.05, stage-wise decay 0.9 over 12 layers, drop path 0.4.
_base_ = './upernet_convnext-b-in22k-pre_160k_ade20k-640x640.py'
model = dict(backbone=dict(arch='large', init_cfg=dict(
    checkpoint='https://dl.fbaipublicfiles.com/convnext/convnext_large_22k_224.pth')))
