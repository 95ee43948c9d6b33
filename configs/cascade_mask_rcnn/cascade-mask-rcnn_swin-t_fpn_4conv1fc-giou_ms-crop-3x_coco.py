# Cascade Mask R-CNN (4conv1fc, GIoU), Swin-T (mmdet's SwinTransformer), 3x, multi-scale 480-800 + crop, AdamW, AMP.
# Paper (Table 3): box AP 50.4, mask AP 43.7; 86M params, 745G FLOPs (Swin's released model).
# Recipe (Swin's config): lr 1e-4, wd 0.05 (none on norms and position tables), drop path 0.2.
_base_ = './cascade-mask-rcnn_convnext-t_fpn_4conv1fc-giou_ms-crop-3x_coco.py'
model = dict(backbone=dict(
    _delete_=True, type='mmdet.SwinTransformer', embed_dims=96, depths=[2, 2, 6, 2],
    num_heads=[3, 6, 12, 24], window_size=7, mlp_ratio=4, qkv_bias=True, drop_path_rate=0.2,
    patch_norm=True, out_indices=(0, 1, 2, 3), convert_weights=True,
    init_cfg=dict(type='Pretrained', checkpoint='https://github.com/SwinTransformer/storage/'
                  'releases/download/v1.0.0/swin_tiny_patch4_window7_224.pth')))
optim_wrapper = dict(
    _delete_=True, type='AmpOptimWrapper', loss_scale='dynamic',
    optimizer=dict(type='AdamW', lr=0.0001, betas=(0.9, 0.999), weight_decay=0.05),
    paramwise_cfg=dict(custom_keys=dict(absolute_pos_embed=dict(decay_mult=0.0),
                                        relative_position_bias_table=dict(decay_mult=0.0),
                                        norm=dict(decay_mult=0.0))))
