# Cascade Mask R-CNN (4conv1fc, GIoU), ConvNeXt-XL pre-trained on ImageNet-22K, 3x, multi-scale 480-800 + crop, AdamW + layer-wise lr decay, AMP.
# Paper (Table 3, ConvNeXt-XL‡): box AP 55.2, mask AP 47.7; 407M params, 1898G FLOPs.
# Recipe (official config): lr 0.0001, decay 0.7 layer-wise over 12 layers, drop path 0.8.
_base_ = './cascade-mask-rcnn_convnext-l-in22k-pre_fpn_4conv1fc-giou_ms-crop-3x_coco.py'
model = dict(backbone=dict(arch='xlarge', drop_path_rate=0.8, init_cfg=dict(
    checkpoint='https://dl.fbaipublicfiles.com/convnext/convnext_xlarge_22k_224.pth')))
