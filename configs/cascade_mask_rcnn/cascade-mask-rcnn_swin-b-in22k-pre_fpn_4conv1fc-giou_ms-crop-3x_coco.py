# Cascade Mask R-CNN (4conv1fc, GIoU), Swin-B pre-trained on ImageNet-22K, 3x, multi-scale 480-800 + crop, AdamW, AMP.
# Paper (Table 3, Swin-B‡): box AP 53.0, mask AP 45.8; 982G FLOPs.
# Recipe: Swin-B's (no released config for this row); the 22K weights at 224, window 7.
_base_ = './cascade-mask-rcnn_swin-b_fpn_4conv1fc-giou_ms-crop-3x_coco.py'
model = dict(backbone=dict(
    init_cfg=dict(checkpoint='https://github.com/SwinTransformer/storage/releases/download/v1.0.0/swin_base_patch4_window7_224_22k.pth')))
