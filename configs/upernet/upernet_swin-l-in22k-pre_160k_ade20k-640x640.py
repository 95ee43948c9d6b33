# UperNet, Swin-L pre-trained on ImageNet-22K (384, window 12), 640x640 crops, 160k iterations, AdamW, AMP.
# Paper (Table 4, Swin-L‡): mIoU 53.5 multi-scale; 234M, 2468 GFLOPs (at 2560x640).
# Recipe: as Swin-B‡'s.
_base_ = './upernet_swin-b-in22k-pre_160k_ade20k-640x640.py'
model = dict(backbone=dict(embed_dims=192, num_heads=[6, 12, 24, 48], init_cfg=dict(
    checkpoint='https://github.com/SwinTransformer/storage/releases/download/v1.0.0/swin_large_patch4_window12_384_22k.pth')))
