# UperNet, ConvNeXt-XL pre-trained on ImageNet-22K, 640x640 crops, 160k iterations, AdamW + stage-wise lr decay, AMP.
# Paper (Table 4, ConvNeXt-XL‡): mIoU 53.6 single- / 54.0 multi-scale; 391M, 3335 GFLOPs (at 2560x640).
# Recipe (official config): lr 8e-5, wd 0.05, stage-wise decay 0.9 over 12 layers, drop path 0.4.
_base_ = './upernet_convnext-l-in22k-pre_160k_ade20k-640x640.py'
model = dict(backbone=dict(arch='xlarge', init_cfg=dict(
    checkpoint='https://dl.fbaipublicfiles.com/convnext/convnext_xlarge_22k_224.pth')))
optim_wrapper = dict(optimizer=dict(lr=8e-5))
