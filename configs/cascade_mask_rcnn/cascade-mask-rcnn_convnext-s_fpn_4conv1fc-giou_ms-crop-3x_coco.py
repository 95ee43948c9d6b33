# Cascade Mask R-CNN (4conv1fc, GIoU), ConvNeXt-S, 3x schedule, multi-scale 480-800 + crop, AdamW + layer-wise lr decay, AMP.
# Paper (Table 3): box AP 51.9, mask AP 45.0; 108M params, 827G FLOPs.
# Recipe (official config): lr 0.0002, decay 0.7 layer-wise over 12 layers, drop path 0.6.
_base_ = './cascade-mask-rcnn_convnext-t_fpn_4conv1fc-giou_ms-crop-3x_coco.py'
model = dict(backbone={{_base_.convnext_s}})
optim_wrapper = dict(paramwise_cfg=dict(num_layers=12))
