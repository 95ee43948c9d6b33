# UperNet, Swin-S (mmdet's SwinTransformer), 512x512 crops, 160k iterations, AdamW, AMP.
# Paper (Table 4): mIoU 49.5 multi-scale (Swin's release: 47.6 single-scale); 81M, 1038 GFLOPs.
# Recipe (Swin's config): as Swin-T's.
_base_ = './upernet_swin-t_160k_ade20k-512x512.py'
model = dict(backbone=dict(depths=[2, 2, 18, 2], init_cfg=dict(
    checkpoint='https://github.com/SwinTransformer/storage/releases/download/v1.0.0/swin_small_patch4_window7_224.pth')))
