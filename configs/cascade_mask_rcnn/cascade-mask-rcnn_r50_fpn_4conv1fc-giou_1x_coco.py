# Cascade Mask R-CNN (4conv1fc, GIoU), ResNet-50 (torchvision weights), 1x: single-scale 1333x800, SGD lr 0.02 (mmdet 1x).
# Paper: not reported (baseline for the ConvNeXt configs beside it).
_base_ = [
    '../_base_/models/cascade-mask-rcnn_fpn_4conv1fc-giou.py', '../_base_/datasets/coco_instance.py',
    '../_base_/schedules/schedule_1x.py', '../_base_/optimizers/sgd.py',
    '../_base_/default_runtime.py'
]
