# UperNet, ConvNeXt-B, 512x512 crops, 160k iterations, AdamW + stage-wise lr decay, AMP.
# Paper (Table 4, IN-1K pre-trained): mIoU 49.1 single- / 49.9 multi-scale; 122M, 1170 GFLOPs.
# Recipe (official config): lr 1e-4, wd 0.05, stage-wise decay 0.9 over 12 layers, drop path 0.4.
_base_ = [
    '../_base_/models/upernet.py', '../_base_/models/convnext.py',
    '../_base_/datasets/ade20k.py', '../_base_/schedules/schedule_160k.py',
    '../_base_/optimizers/adamw_layer-decay.py', '../_base_/default_runtime_seg.py'
]
model = dict(backbone={{_base_.convnext_b_seg}})
optim_wrapper = dict(paramwise_cfg=dict(decay_rate=0.9, decay_type='stage_wise', num_layers=12))
