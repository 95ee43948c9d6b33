# Cascade Mask R-CNN (4conv1fc, GIoU), ResNeXt-101 32x4d (mmdet's ResNeXt), 3x: multi-scale 480-800 + crop, AdamW lr 1e-4 wd 0.05, AMP.
# Paper (Table 3, from Swin): box AP 48.1, mask AP 41.6; 101M params, 819G FLOPs.
# Recipe: the ResNet-50 row's (the Swin paper trains its ResNe(X)t baselines so).
_base_ = './cascade-mask-rcnn_r50_fpn_4conv1fc-giou_ms-crop-3x_coco.py'
model = dict(backbone=dict(
    _delete_=True, type='mmdet.ResNeXt', depth=101, groups=32, base_width=4,
    out_indices=(0, 1, 2, 3), frozen_stages=1, norm_cfg=dict(type='BN', requires_grad=True),
    norm_eval=True, style='pytorch',
    init_cfg=dict(type='Pretrained', checkpoint='open-mmlab://resnext101_32x4d')))
