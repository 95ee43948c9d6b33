# Cascade Mask R-CNN (4conv1fc, GIoU), ConvNeXt-L pre-trained on ImageNet-22K, 3x, multi-scale 480-800 + crop, AdamW + layer-wise lr decay, AMP.
# Paper (Table 3, ConvNeXt-L‡): box AP 54.8, mask AP 47.6; 255M params, 1354G FLOPs.
# Recipe (official config): lr 0.0001, decay 0.7 layer-wise over 12 layers, drop path 0.7.
_base_ = './cascade-mask-rcnn_convnext-b-in22k-pre_fpn_4conv1fc-giou_ms-crop-3x_coco.py'
model = dict(backbone=dict(arch='large', drop_path_rate=0.7, init_cfg=dict(
    checkpoint='https://dl.fbaipublicfiles.com/convnext/convnext_large_22k_224.pth')))
optim_wrapper = dict(paramwise_cfg=dict(decay_rate=0.7))
