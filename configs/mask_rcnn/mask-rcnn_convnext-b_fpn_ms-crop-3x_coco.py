# Mask R-CNN, ConvNeXt-B, 3x schedule, multi-scale 480-800 + crop, AdamW + layer-wise lr decay, AMP.
# Paper: not reported (3x with ConvNeXt-B).
# Recipe (no official config: the Mask R-CNN T recipe, drop path as in Cascade): lr 0.0001, decay 0.95 layer-wise over 12 layers, drop path 0.7.
_base_ = './mask-rcnn_convnext-t_fpn_ms-crop-3x_coco.py'
model = dict(backbone={{_base_.convnext_b}})
optim_wrapper = dict(paramwise_cfg=dict(num_layers=12))
