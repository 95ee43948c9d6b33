# Swin Transformer (mmdet's SwinTransformer) as the Swin rows of the paper's Tables 3 and 4 use
# it, and Swin's optimizer: every Swin config reads these (`{{_base_.swin_t}}`, ...), so each
# recipe is written once; a row's own config changes only what its row changes (depths,
# widths, drop path, weights). Each backbone dict replaces the inherited one (_delete_).
swin_t = dict(
    _delete_=True, type='mmdet.SwinTransformer', embed_dims=96, depths=[2, 2, 6, 2],
    num_heads=[3, 6, 12, 24], window_size=7, mlp_ratio=4, qkv_bias=True, drop_path_rate=0.2,
    patch_norm=True, out_indices=(0, 1, 2, 3), convert_weights=True,
    init_cfg=dict(type='Pretrained', checkpoint='https://github.com/SwinTransformer/storage/'
                  'releases/download/v1.0.0/swin_tiny_patch4_window7_224.pth'))
swin_t_seg = dict(swin_t, drop_path_rate=0.3)  # Swin's UperNet configs
# The ImageNet-22K rows at 640: Swin-B pretrained at 384 with window 12.
swin_b_384_22k = dict(
    swin_t, pretrain_img_size=384, embed_dims=128, depths=[2, 2, 18, 2],
    num_heads=[4, 8, 16, 32], window_size=12, drop_path_rate=0.3,
    init_cfg=dict(type='Pretrained', checkpoint='https://github.com/SwinTransformer/storage/'
                  'releases/download/v1.0.0/swin_base_patch4_window12_384_22k.pth'))
# AdamW, no weight decay on norms and position tables, AMP: Swin's detection recipe
# (lr 1e-4, wd 0.05) and its segmentation recipe (lr 6e-5, wd 0.01).
swin_optim_wrapper_det = dict(
    _delete_=True, type='AmpOptimWrapper', loss_scale='dynamic',
    optimizer=dict(type='AdamW', lr=0.0001, betas=(0.9, 0.999), weight_decay=0.05),
    paramwise_cfg=dict(custom_keys=dict(absolute_pos_embed=dict(decay_mult=0.0),
                                        relative_position_bias_table=dict(decay_mult=0.0),
                                        norm=dict(decay_mult=0.0))))
swin_optim_wrapper_seg = dict(
    swin_optim_wrapper_det,
    optimizer=dict(type='AdamW', lr=6e-5, betas=(0.9, 0.999), weight_decay=0.01))
