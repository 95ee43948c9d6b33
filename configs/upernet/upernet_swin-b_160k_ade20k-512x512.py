# UperNet, Swin-B (mmdet's SwinTransformer), 512x512 crops, 160k iterations, AdamW, AMP.
# Paper (Table 4): mIoU 49.7 multi-scale (Swin's release: 48.1 single-scale); 121M, 1188 GFLOPs.
# Recipe (Swin's config): as Swin-T's.
_base_ = './upernet_swin-s_160k_ade20k-512x512.py'
model = dict(backbone=dict(embed_dims=128, num_heads=[4, 8, 16, 32], init_cfg=dict(
    checkpoint='https://github.com/SwinTransformer/storage/releases/download/v1.0.0/swin_base_patch4_window7_224.pth')))
