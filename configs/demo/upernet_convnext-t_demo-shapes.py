# Demo: UperNet with ConvNeXt-T from scratch on the embedded semantic shapes set: the ResNet-50
# demo with one backbone edit and the paper's stage-wise lr decay (0.9). Layer scale starts at
# the official from-scratch 1e-6 (the -pre config's checkpoint overwrites it).
_base_ = './upernet_r50_demo-shapes.py'
model = dict(backbone=dict(
    _delete_=True, type='backbones.ConvNeXt', arch='tiny', drop_path_rate=0.1,
    layer_scale_init_value=1e-6))
optim_wrapper = dict(constructor='backbones.LayerDecayOptimWrapperConstructor',
                     paramwise_cfg=dict(decay_rate=0.9, decay_type='stage_wise', num_layers=6))
