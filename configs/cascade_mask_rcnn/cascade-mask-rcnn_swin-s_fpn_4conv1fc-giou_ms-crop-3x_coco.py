# Cascade Mask R-CNN (4conv1fc, GIoU), Swin-S (mmdet's SwinTransformer), 3x, multi-scale 480-800 + crop, AdamW, AMP.
# Paper (Table 3): box AP 51.9, mask AP 45.0; 107M params, 838G FLOPs (Swin's released model).
# Recipe (Swin's config): as Swin-T's, drop path 0.3.
_base_ = './cascade-mask-rcnn_swin-t_fpn_4conv1fc-giou_ms-crop-3x_coco.py'
model = dict(backbone=dict(
    depths=[2, 2, 18, 2], drop_path_rate=0.3,
    init_cfg=dict(checkpoint='https://github.com/SwinTransformer/storage/releases/download/v1.0.0/swin_small_patch4_window7_224.pth')))
