# Cascade Mask R-CNN (4conv1fc, GIoU), ConvNeXt-T, 3x schedule, multi-scale 480-800 + crop, AdamW + layer-wise lr decay, AMP.
# Paper (Table 3): box AP 50.4, mask AP 43.7; 86M params, 741G FLOPs.
# Recipe (official config): lr 0.0002, decay 0.7 layer-wise over 6 layers, drop path 0.4.
_base_ = [
    '../_base_/models/cascade-mask-rcnn_fpn_4conv1fc-giou.py', '../_base_/models/convnext.py',
    '../_base_/datasets/coco_instance_ms-crop.py', '../_base_/schedules/schedule_3x.py',
    '../_base_/optimizers/adamw_layer-decay.py', '../_base_/default_runtime.py'
]
model = dict(backbone={{_base_.convnext_t}})
optim_wrapper = dict(optimizer=dict(lr=0.0002),
                     paramwise_cfg=dict(decay_rate=0.7, num_layers=6))
