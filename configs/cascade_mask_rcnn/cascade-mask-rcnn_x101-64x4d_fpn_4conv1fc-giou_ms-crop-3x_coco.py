# Cascade Mask R-CNN (4conv1fc, GIoU), ResNeXt-101 64x4d (mmdet's ResNeXt), 3x: multi-scale 480-800 + crop, AdamW lr 1e-4 wd 0.05, AMP.
# Paper (Table 3, from Swin): box AP 48.3, mask AP 41.7; 140M params, 972G FLOPs.
_base_ = './cascade-mask-rcnn_x101-32x4d_fpn_4conv1fc-giou_ms-crop-3x_coco.py'
model = dict(backbone=dict(
    groups=64, init_cfg=dict(type='Pretrained', checkpoint='open-mmlab://resnext101_64x4d')))
