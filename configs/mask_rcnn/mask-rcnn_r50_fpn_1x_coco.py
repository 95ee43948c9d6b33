# Mask R-CNN, ResNet-50 (torchvision weights), 1x: single-scale 1333x800, SGD lr 0.02 (mmdet 1x).
# Paper: not reported (baseline for the ConvNeXt configs beside it).
_base_ = [
    '../_base_/models/mask-rcnn_fpn.py', '../_base_/datasets/coco_instance.py',
    '../_base_/schedules/schedule_1x.py', '../_base_/optimizers/sgd.py',
    '../_base_/default_runtime.py'
]
