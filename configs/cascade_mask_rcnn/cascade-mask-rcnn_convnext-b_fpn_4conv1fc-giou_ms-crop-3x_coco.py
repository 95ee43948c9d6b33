# Cascade Mask R-CNN (4conv1fc, GIoU), ConvNeXt-B, 3x schedule, multi-scale 480-800 + crop, AdamW + layer-wise lr decay, AMP.
# Paper (Table 3): box AP 52.7, mask AP 45.6; 146M params, 964G FLOPs.
# Recipe (official config): lr 0.0002, decay 0.8 layer-wise over 12 layers, drop path 0.7.
_base_ = './cascade-mask-rcnn_convnext-b_fpn_4conv1fc-giou_1x_coco.py'
train_dataloader = dict(dataset=dict(pipeline={{_base_.ms_crop_train_pipeline}}))
train_cfg = dict(max_epochs=36)
param_scheduler = {{_base_.param_scheduler_3x}}
