# Cascade Mask R-CNN (4conv1fc, GIoU), ConvNeXt-T, 3x schedule, multi-scale 480-800 + crop, AdamW + layer-wise lr decay, AMP.
# Paper (Table 3): box AP 50.4, mask AP 43.7; 86M params, 741G FLOPs.
# Recipe (official config): lr 0.0002, decay 0.7 layer-wise over 6 layers, drop path 0.4.
_base_ = './cascade-mask-rcnn_convnext-t_fpn_4conv1fc-giou_1x_coco.py'
train_dataloader = dict(dataset=dict(pipeline={{_base_.ms_crop_train_pipeline}}))
train_cfg = dict(max_epochs=36)
param_scheduler = {{_base_.param_scheduler_3x}}
