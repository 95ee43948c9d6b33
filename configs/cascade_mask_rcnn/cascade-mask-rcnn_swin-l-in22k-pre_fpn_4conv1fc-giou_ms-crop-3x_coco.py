# Cascade Mask R-CNN (4conv1fc, GIoU), Swin-L pre-trained on ImageNet-22K, 3x, multi-scale 480-800 + crop, AdamW, AMP.
# Paper (Table 3, Swin-L‡): box AP 53.9, mask AP 46.7; 1382G FLOPs.
# Recipe: Swin-B's (no released config for this row); the 22K weights at 224, window 7.
_base_ = './cascade-mask-rcnn_swin-b-in22k-pre_fpn_4conv1fc-giou_ms-crop-3x_coco.py'
model = dict(backbone=dict(
    embed_dims=192, num_heads=[6, 12, 24, 48],
    init_cfg=dict(checkpoint='https://github.com/SwinTransformer/storage/releases/download/v1.0.0/swin_large_patch4_window7_224_22k.pth')))
