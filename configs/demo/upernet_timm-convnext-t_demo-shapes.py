# Cross-check of the demo's ConvNeXt-T UperNet (docs/demo.md, "ConvNeXt-T's UperNet against
# timm's"): timm's convnext_tiny through mmpretrain's TIMMBackbone in place of ours, layer
# scale from 1e-6; the same head, data, schedule and seed. Plain AdamW at the demo's 2e-4: the
# stage-wise lr decay needs our module structure, so ours is compared at decay_rate=1.0.
_base_ = './upernet_convnext-t_demo-shapes.py'
custom_imports = dict(imports=['backbones', 'mmpretrain.models'], allow_failed_imports=False)
model = dict(backbone=dict(
    _delete_=True, type='mmpretrain.TIMMBackbone', model_name='convnext_tiny', features_only=True,
    pretrained=False, out_indices=(0, 1, 2, 3), drop_path_rate=0.1, ls_init_value=1e-6))
optim_wrapper = dict(_delete_=True, type='OptimWrapper',
                     optimizer=dict(type='AdamW', lr=2e-4, betas=(0.9, 0.999), weight_decay=0.05))
