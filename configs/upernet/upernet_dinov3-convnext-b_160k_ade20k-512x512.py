# UperNet, DINOv3's ConvNeXt-B (self-supervised on LVD-1689M), 512x512 crops, 160k iterations, AdamW + stage-wise lr decay, AMP.
# Paper: none (DINOv3 released no segmentation figures or recipe for its ConvNeXts).
# Weights are gated (DINOv3 License): download the file by hand and put it at the path below.
# Recipe, ours: the ConvNeXt-B one (lr 1e-4, wd 0.05, stage-wise decay 0.9 over 12 layers, drop path 0.4).
_base_ = './upernet_convnext-b_160k_ade20k-512x512.py'
model = dict(backbone=dict(init_cfg=dict(
    checkpoint='checkpoints/dinov3_convnext_base_pretrain_lvd1689m-801f2ba9.pth')))
