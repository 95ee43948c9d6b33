# Mask R-CNN, ConvNeXt-S, 3x schedule, multi-scale 480-800 + crop, AdamW + layer-wise lr decay, AMP.
# Paper: not reported (3x with ConvNeXt-S).
# Recipe (no official config: the Mask R-CNN T recipe, drop path as in Cascade): lr 0.0001, decay 0.95 layer-wise over 12 layers, drop path 0.6.
_base_ = './mask-rcnn_convnext-s_fpn_1x_coco.py'
train_dataloader = dict(dataset=dict(pipeline={{_base_.ms_crop_train_pipeline}}))
train_cfg = dict(max_epochs=36)
param_scheduler = {{_base_.param_scheduler_3x}}
