# Demo: UperNet with ConvNeXt-T from scratch on the embedded semantic shapes set; the ResNet-50
# demo with one backbone edit and the paper's optimizer and schedule shape (its UperNet
# ConvNeXt-T config: AdamW, stage-wise lr decay 0.9, a short linear warm-up, then linear decay
# to 0), at 2e-4 for 150 iterations instead of 1e-4 for 160k. At 4e-3 it predicted
# background everywhere, pretrained too. (The ResNet-50 demo's poly schedule floors at 1e-4,
# which would hold this lr constant and raise the decayed stages' lrs to it.)
# Layer scale starts at the official from-scratch 1e-6 (the -pre config's checkpoint
# overwrites it).
_base_ = './upernet_r50_demo-shapes.py'
model = dict(backbone=dict(
    _delete_=True, type='backbones.ConvNeXt', arch='tiny', drop_path_rate=0.1,
    layer_scale_init_value=1e-6))
optim_wrapper = dict(
    _delete_=True, type='OptimWrapper', constructor='backbones.LayerDecayOptimWrapperConstructor',
    optimizer=dict(type='AdamW', lr=2e-4, betas=(0.9, 0.999), weight_decay=0.05),
    paramwise_cfg=dict(decay_rate=0.9, decay_type='stage_wise', num_layers=6))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, end=10),
    dict(type='PolyLR', power=1.0, eta_min=0.0, by_epoch=False, begin=10, end=150)]
