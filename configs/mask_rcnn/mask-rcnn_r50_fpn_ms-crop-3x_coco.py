# Mask R-CNN, ResNet-50 (torchvision weights), 3x: multi-scale 480-800 + crop, AdamW lr 1e-4 wd 0.05, AMP (the 3x recipe of the ConvNeXt rows).
# Paper: not reported (baseline for the ConvNeXt configs beside it).
_base_ = [
    '../_base_/models/mask-rcnn_fpn.py', '../_base_/datasets/coco_instance_ms-crop.py',
    '../_base_/schedules/schedule_3x.py', '../_base_/default_runtime.py'
]
optim_wrapper = dict(type='AmpOptimWrapper', optimizer=dict(
    type='AdamW', lr=1e-4, betas=(0.9, 0.999), weight_decay=0.05))
