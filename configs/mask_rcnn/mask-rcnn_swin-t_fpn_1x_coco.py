# Mask R-CNN, Swin-T (mmdet's SwinTransformer), 1x schedule, single-scale 1333x800, AdamW, AMP.
# Paper: not reported (a backbone-swap example: another library's backbone in our config; mmdet reports box 42.7 / mask 39.3).
# Only the backbone and its optimizer differ from the ConvNeXt-T config; the FPN's in_channels
# are read off the built backbone (it declares none). Recipe: mmdet's Swin-T Mask R-CNN config.
_base_ = './mask-rcnn_convnext-t_fpn_1x_coco.py'
pretrained = ('https://github.com/SwinTransformer/storage/releases/download/v1.0.0/'
              'swin_tiny_patch4_window7_224.pth')
model = dict(backbone=dict(
    _delete_=True, type='mmdet.SwinTransformer', embed_dims=96, depths=[2, 2, 6, 2],
    num_heads=[3, 6, 12, 24], window_size=7, mlp_ratio=4, qkv_bias=True, drop_path_rate=0.2,
    patch_norm=True, out_indices=(0, 1, 2, 3), convert_weights=True,
    init_cfg=dict(type='Pretrained', checkpoint=pretrained)))  # loaded by mmengine (mmdet's class)
optim_wrapper = dict(
    _delete_=True, type='AmpOptimWrapper', loss_scale='dynamic',
    optimizer=dict(type='AdamW', lr=0.0001, betas=(0.9, 0.999), weight_decay=0.05),
    paramwise_cfg=dict(custom_keys=dict(absolute_pos_embed=dict(decay_mult=0.0),
                                        relative_position_bias_table=dict(decay_mult=0.0),
                                        norm=dict(decay_mult=0.0))))
