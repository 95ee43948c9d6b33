# Cascade Mask R-CNN (4conv1fc, GIoU), ConvNeXt-B, 3x schedule, multi-scale 480-800 + crop, AdamW + layer-wise lr decay, AMP.
# Paper (Table 3): box AP 52.7, mask AP 45.6; 146M params, 964G FLOPs.
# Recipe (official config): lr 0.0002, decay 0.8 layer-wise over 12 layers, drop path 0.7.
_base_ = './cascade-mask-rcnn_convnext-t_fpn_4conv1fc-giou_ms-crop-3x_coco.py'
model = dict(backbone={{_base_.convnext_b}})
optim_wrapper = dict(paramwise_cfg=dict(decay_rate=0.8, num_layers=12))
