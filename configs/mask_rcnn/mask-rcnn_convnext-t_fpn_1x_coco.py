# Mask R-CNN, ConvNeXt-T, 1x schedule, single-scale 1333x800, AdamW + layer-wise lr decay, AMP.
# Paper: not reported (1x with ConvNeXt-T).
# Recipe (official config): lr 0.0001, decay 0.95 layer-wise over 6 layers, drop path 0.4.
_base_ = [
    '../_base_/models/mask-rcnn_fpn.py', '../_base_/models/convnext.py',
    '../_base_/datasets/coco_instance.py', '../_base_/schedules/schedule_1x.py',
    '../_base_/optimizers/adamw_layer-decay.py', '../_base_/default_runtime.py'
]
model = dict(backbone={{_base_.convnext_t}})
optim_wrapper = dict(optimizer=dict(lr=0.0001),
                     paramwise_cfg=dict(decay_rate=0.95, num_layers=6))
