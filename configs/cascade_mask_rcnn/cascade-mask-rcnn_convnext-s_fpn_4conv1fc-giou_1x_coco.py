# Cascade Mask R-CNN (4conv1fc, GIoU), ConvNeXt-S, 1x schedule, single-scale 1333x800, AdamW + layer-wise lr decay, AMP.
# Paper: not reported (1x with ConvNeXt-S).
# Recipe (official config): lr 0.0002, decay 0.7 layer-wise over 12 layers, drop path 0.6.
_base_ = [
    '../_base_/models/cascade-mask-rcnn_fpn_4conv1fc-giou.py', '../_base_/datasets/coco_instance.py',
    '../_base_/schedules/schedule_1x.py', '../_base_/optimizers/adamw_layer-decay.py',
    '../_base_/default_runtime.py'
]
model = dict(backbone=dict(
    _delete_=True, type='backbones.ConvNeXt', arch='small', drop_path_rate=0.6,
    layer_scale_init_value=1.0,
    init_cfg=dict(type='Pretrained', checkpoint='https://dl.fbaipublicfiles.com/convnext/convnext_small_1k_224.pth')))
optim_wrapper = dict(optimizer=dict(lr=0.0002),
                     paramwise_cfg=dict(decay_rate=0.7, num_layers=12))
