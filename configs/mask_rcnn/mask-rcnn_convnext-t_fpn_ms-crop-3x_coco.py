# Mask R-CNN, ConvNeXt-T, 3x schedule, multi-scale 480-800 + crop, AdamW + layer-wise lr decay, AMP.
# Paper (Table 3): box AP 46.2, mask AP 41.7; 48M params, 262G FLOPs.
# Recipe (official config): lr 0.0001, decay 0.95 layer-wise over 6 layers, drop path 0.4.
_base_ = [
    '../_base_/models/mask-rcnn_fpn.py', '../_base_/models/convnext.py',
    '../_base_/datasets/coco_instance_ms-crop.py', '../_base_/schedules/schedule_3x.py',
    '../_base_/optimizers/adamw_layer-decay.py', '../_base_/default_runtime.py'
]
model = dict(backbone={{_base_.convnext_t}})
optim_wrapper = dict(optimizer=dict(lr=0.0001),
                     paramwise_cfg=dict(decay_rate=0.95, num_layers=6))
