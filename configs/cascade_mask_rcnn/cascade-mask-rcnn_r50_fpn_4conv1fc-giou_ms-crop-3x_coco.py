# Cascade Mask R-CNN (4conv1fc, GIoU), ResNet-50 (torchvision weights), 3x: multi-scale 480-800 + crop, AdamW lr 1e-4 wd 0.05, AMP (the 3x recipe of the ConvNeXt rows).
# Paper (Table 3, from Swin): box AP 46.3, mask AP 40.1; 82M params, 739G FLOPs.
_base_ = [
    '../_base_/models/cascade-mask-rcnn_fpn_4conv1fc-giou.py', '../_base_/datasets/coco_instance_ms-crop.py',
    '../_base_/schedules/schedule_3x.py', '../_base_/default_runtime.py'
]
optim_wrapper = dict(type='AmpOptimWrapper', optimizer=dict(
    type='AdamW', lr=1e-4, betas=(0.9, 0.999), weight_decay=0.05))
