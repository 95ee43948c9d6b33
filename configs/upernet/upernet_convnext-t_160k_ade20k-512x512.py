# UperNet, ConvNeXt-T, 512x512 crops, 160k iterations, AdamW + stage-wise lr decay, AMP.
# Paper (Table 4, IN-1K pre-trained): mIoU 46.0 single- / 46.7 multi-scale; 60M, 939 GFLOPs.
# Recipe (official config): lr 1e-4, wd 0.05, stage-wise decay 0.9 over 6 layers, drop path 0.4.
_base_ = [
    '../_base_/models/upernet.py', '../_base_/models/convnext.py',
    '../_base_/datasets/ade20k.py', '../_base_/schedules/schedule_160k.py',
    '../_base_/optimizers/adamw_layer-decay.py', '../_base_/default_runtime_seg.py'
]
model = dict(backbone={{_base_.convnext_t}})
optim_wrapper = dict(paramwise_cfg=dict(decay_rate=0.9, decay_type='stage_wise', num_layers=6))
