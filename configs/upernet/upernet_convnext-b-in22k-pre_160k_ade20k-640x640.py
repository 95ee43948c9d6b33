# UperNet, ConvNeXt-B pre-trained on ImageNet-22K, 640x640 crops, 160k iterations, AdamW + stage-wise lr decay, AMP.
# Paper (Table 4, ConvNeXt-B‡): mIoU 52.6 single- / 53.1 multi-scale; 122M, 1828 GFLOPs (at 2560x640).
# Recipe (official config): lr 1e-4, wd 0.05, stage-wise decay 0.9 over 12 layers, drop path 0.4.
_base_ = [
    '../_base_/models/upernet.py', '../_base_/models/convnext.py',
    '../_base_/datasets/ade20k-640x640.py', '../_base_/schedules/schedule_160k.py',
    '../_base_/optimizers/adamw_layer-decay.py', '../_base_/default_runtime_seg.py'
]
model = dict(data_preprocessor=dict(size=(640, 640)), backbone={{_base_.convnext_b_in22k_seg}},
             test_cfg=dict(crop_size=(640, 640), stride=(426, 426)))
optim_wrapper = dict(paramwise_cfg=dict(decay_rate=0.9, decay_type='stage_wise', num_layers=12))
