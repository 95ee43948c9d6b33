# Cascade Mask R-CNN (4conv1fc, GIoU), Swin-B (mmdet's SwinTransformer), 3x, multi-scale 480-800 + crop, AdamW, AMP.
# Paper (Table 3): box AP 51.9, mask AP 45.0; 145M params, 982G FLOPs (Swin's released model).
# Recipe (Swin's config): as Swin-T's, drop path 0.3.
_base_ = './cascade-mask-rcnn_swin-s_fpn_4conv1fc-giou_ms-crop-3x_coco.py'
model = dict(backbone=dict(
    embed_dims=128, num_heads=[4, 8, 16, 32],
    init_cfg=dict(checkpoint='https://github.com/SwinTransformer/storage/releases/download/v1.0.0/swin_base_patch4_window7_224.pth')))
