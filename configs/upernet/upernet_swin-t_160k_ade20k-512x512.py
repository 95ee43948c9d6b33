# UperNet, Swin-T (mmdet's SwinTransformer), 512x512 crops, 160k iterations, AdamW, AMP.
# Paper (Table 4): mIoU 45.8 multi-scale (Swin's release: 44.5 single-scale); 60M, 945 GFLOPs.
# Recipe (Swin's config): lr 6e-5, wd 0.01 (none on norms and position tables), drop path 0.3,
# the same warm-up + poly schedule as the ConvNeXt rows.
_base_ = './upernet_convnext-t_160k_ade20k-512x512.py'
model = dict(backbone=dict(
    _delete_=True, type='mmdet.SwinTransformer', embed_dims=96, depths=[2, 2, 6, 2],
    num_heads=[3, 6, 12, 24], window_size=7, mlp_ratio=4, qkv_bias=True, drop_path_rate=0.3,
    patch_norm=True, out_indices=(0, 1, 2, 3), convert_weights=True,
    init_cfg=dict(type='Pretrained', checkpoint='https://github.com/SwinTransformer/storage/'
                  'releases/download/v1.0.0/swin_tiny_patch4_window7_224.pth')))
optim_wrapper = dict(
    _delete_=True, type='AmpOptimWrapper', loss_scale='dynamic',
    optimizer=dict(type='AdamW', lr=6e-5, betas=(0.9, 0.999), weight_decay=0.01),
    paramwise_cfg=dict(custom_keys=dict(absolute_pos_embed=dict(decay_mult=0.0),
                                        relative_position_bias_table=dict(decay_mult=0.0),
                                        norm=dict(decay_mult=0.0))))
