# Cascade Mask R-CNN (4conv1fc, GIoU), ConvNeXt-S, 1x schedule, single-scale 1333x800, AdamW + layer-wise lr decay, AMP.
# Paper: not reported (1x with ConvNeXt-S).
# Recipe (official config): lr 0.0002, decay 0.7 layer-wise over 12 layers, drop path 0.6.
_base_ = './cascade-mask-rcnn_convnext-t_fpn_4conv1fc-giou_1x_coco.py'
model = dict(backbone={{_base_.convnext_s}})
optim_wrapper = dict(paramwise_cfg=dict(num_layers=12))
