# Cascade Mask R-CNN (4conv1fc, GIoU), ConvNeXt-B pre-trained on ImageNet-22K, 3x, multi-scale 480-800 + crop, AdamW + layer-wise lr decay, AMP.
# Paper (Table 3, ConvNeXt-B‡): box AP 54.0, mask AP 46.9; 146M params, 964G FLOPs.
# Recipe (official config): lr 0.0001, decay 0.8 layer-wise over 12 layers, drop path 0.6.
_base_ = './cascade-mask-rcnn_convnext-b_fpn_4conv1fc-giou_ms-crop-3x_coco.py'
model = dict(backbone=dict(drop_path_rate=0.6, init_cfg=dict(
    checkpoint='https://dl.fbaipublicfiles.com/convnext/convnext_base_22k_224.pth')))
optim_wrapper = dict(optimizer=dict(lr=0.0001))
