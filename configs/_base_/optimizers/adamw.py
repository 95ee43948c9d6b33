# Plain AdamW with AMP (the Swin/ConvNeXt 3x recipe for ResNet baselines: no layer decay).
optim_wrapper = dict(
    type='AmpOptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-4, betas=(0.9, 0.999), weight_decay=0.05))
