# The ConvNeXt paper's fine-tuning optimizer: AdamW (wd 0.05) with layer-wise lr decay, AMP.
# Children set lr, decay_rate and num_layers (6 for ConvNeXt-T, 12 for S/B) from the recipe.
optim_wrapper = dict(
    type='AmpOptimWrapper',
    constructor='backbones.LayerDecayOptimWrapperConstructor',
    optimizer=dict(type='AdamW', lr=1e-4, betas=(0.9, 0.999), weight_decay=0.05),
    paramwise_cfg=dict(decay_rate=0.95, decay_type='layer_wise', num_layers=6))
