# UperNet, Swin-B pre-trained on ImageNet-22K (384, window 12), 640x640 crops, 160k iterations, AdamW, AMP.
# Paper (Table 4, Swin-B‡): mIoU 51.7 multi-scale; 121M, 1841 GFLOPs (at 2560x640).
# Recipe: Swin-B's (upernet_swin-b_...) at 640 crops, from Swin's 384-pretrained 22K weights (window 12).
_base_ = './upernet_convnext-b-in22k-pre_160k_ade20k-640x640.py'
model = dict(backbone=dict(
    _delete_=True, type='mmdet.SwinTransformer', pretrain_img_size=384, embed_dims=128,
    depths=[2, 2, 18, 2], num_heads=[4, 8, 16, 32], window_size=12, mlp_ratio=4,
    qkv_bias=True, drop_path_rate=0.3, patch_norm=True, out_indices=(0, 1, 2, 3),
    convert_weights=True,
    init_cfg=dict(type='Pretrained', checkpoint='https://github.com/SwinTransformer/storage/'
                  'releases/download/v1.0.0/swin_base_patch4_window12_384_22k.pth')))
optim_wrapper = dict(
    _delete_=True, type='AmpOptimWrapper', loss_scale='dynamic',
    optimizer=dict(type='AdamW', lr=6e-5, betas=(0.9, 0.999), weight_decay=0.01),
    paramwise_cfg=dict(custom_keys=dict(absolute_pos_embed=dict(decay_mult=0.0),
                                        relative_position_bias_table=dict(decay_mult=0.0),
                                        norm=dict(decay_mult=0.0))))
