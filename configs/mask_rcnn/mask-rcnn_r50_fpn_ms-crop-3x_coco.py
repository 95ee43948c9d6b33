# Mask R-CNN, ResNet-50 (torchvision weights), 3x: multi-scale 480-800 + crop, AdamW lr 1e-4 wd 0.05, AMP (the 3x recipe of the ConvNeXt rows).
# Paper: not reported (baseline for the ConvNeXt configs beside it).
_base_ = './mask-rcnn_r50_fpn_1x_coco.py'
train_dataloader = dict(dataset=dict(pipeline={{_base_.ms_crop_train_pipeline}}))
train_cfg = dict(max_epochs=36)
param_scheduler = {{_base_.param_scheduler_3x}}
optim_wrapper = dict(
    _delete_=True, type='AmpOptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-4, betas=(0.9, 0.999), weight_decay=0.05))
