# Mask R-CNN, ConvNeXt-B, 1x schedule, single-scale 1333x800, AdamW + layer-wise lr decay, AMP.
# Paper: not reported (1x with ConvNeXt-B).
# Recipe (no official config: the Mask R-CNN T recipe, drop path as in Cascade): lr 0.0001, decay 0.95 layer-wise over 12 layers, drop path 0.7.
_base_ = [
    '../_base_/models/mask-rcnn_fpn.py', '../_base_/datasets/coco_instance.py',
    '../_base_/schedules/schedule_1x.py', '../_base_/optimizers/adamw_layer-decay.py',
    '../_base_/default_runtime.py'
]
model = dict(backbone=dict(
    _delete_=True, type='backbones.ConvNeXt', arch='base', drop_path_rate=0.7,
    layer_scale_init_value=1.0,
    init_cfg=dict(type='Pretrained', checkpoint='https://dl.fbaipublicfiles.com/convnext/convnext_base_1k_224.pth')))
optim_wrapper = dict(optimizer=dict(lr=0.0001),
                     paramwise_cfg=dict(decay_rate=0.95, num_layers=12))
