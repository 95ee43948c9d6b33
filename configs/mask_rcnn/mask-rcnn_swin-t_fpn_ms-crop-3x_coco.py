# Mask R-CNN, Swin-T (mmdet's SwinTransformer), 3x schedule, multi-scale 480-800 + crop, AdamW, AMP.
# Paper (Table 3): box AP 46.0, mask AP 41.6; 48M params, 267G FLOPs (Swin's released model).
# Recipe (Swin's config): lr 1e-4, wd 0.05 (none on norms and position tables), drop path 0.2.
_base_ = './mask-rcnn_swin-t_fpn_1x_coco.py'
train_dataloader = dict(dataset=dict(pipeline={{_base_.ms_crop_train_pipeline}}))
train_cfg = dict(max_epochs=36)
param_scheduler = {{_base_.param_scheduler_3x}}
