# Cascade Mask R-CNN (4conv1fc, GIoU), ResNet-50 (torchvision weights), 3x: multi-scale 480-800 + crop, AdamW lr 1e-4 wd 0.05, AMP (the 3x recipe of the ConvNeXt rows).
# Paper (Table 3, from Swin): box AP 46.3, mask AP 40.1; 82M params, 739G FLOPs.
_base_ = './cascade-mask-rcnn_r50_fpn_4conv1fc-giou_1x_coco.py'
train_dataloader = dict(dataset=dict(pipeline={{_base_.ms_crop_train_pipeline}}))
train_cfg = dict(max_epochs=36)
param_scheduler = {{_base_.param_scheduler_3x}}
optim_wrapper = dict(
    _delete_=True, type='AmpOptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-4, betas=(0.9, 0.999), weight_decay=0.05))
