# Mask R-CNN, ConvNeXt-S, 1x schedule, single-scale 1333x800, AdamW + layer-wise lr decay, AMP.
# Paper: not reported (1x with ConvNeXt-S).
# Recipe (no official config: the Mask R-CNN T recipe, drop path as in Cascade): lr 0.0001, decay 0.95 layer-wise over 12 layers, drop path 0.6.
_base_ = './mask-rcnn_convnext-t_fpn_1x_coco.py'
model = dict(backbone={{_base_.convnext_s}})
optim_wrapper = dict(paramwise_cfg=dict(num_layers=12))
