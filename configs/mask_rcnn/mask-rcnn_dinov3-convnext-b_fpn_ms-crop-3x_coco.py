# Mask R-CNN, DINOv3's ConvNeXt-B (self-supervised on LVD-1689M), 3x, multi-scale 480-800 + crop, AdamW + layer decay, AMP.
# Paper: none (DINOv3 released no detection figures or recipe for its ConvNeXts).
# Weights are gated (DINOv3 License): download the file by hand and put it at the path below.
# Recipe, ours: the ConvNeXt-B one (lr 1e-4, layer-wise decay 0.95 over 12 layers, drop path 0.7).
_base_ = './mask-rcnn_convnext-b_fpn_ms-crop-3x_coco.py'
model = dict(backbone=dict(init_cfg=dict(
    checkpoint='checkpoints/dinov3_convnext_base_pretrain_lvd1689m-801f2ba9.pth')))
