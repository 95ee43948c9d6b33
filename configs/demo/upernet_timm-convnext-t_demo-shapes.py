# Cross-check of the demo's ConvNeXt-T UperNet (docs/demo.md, "ConvNeXt-T's UperNet against
# timm's"): timm's convnext_tiny through mmpretrain's TIMMBackbone in place of ours, layer
# scale from 1e-6; the same head, data, schedule and seed. The ResNet-50 demo's plain AdamW at
# 2e-4: the stage-wise lr decay needs our module structure, so ours is compared at
# decay_rate=1.0.
_base_ = './upernet_r50_demo-shapes.py'
custom_imports = dict(imports=['backbones', 'mmpretrain.models'], allow_failed_imports=False)
model = dict(backbone=dict(
    _delete_=True, type='mmpretrain.TIMMBackbone', model_name='convnext_tiny', features_only=True,
    pretrained=False, out_indices=(0, 1, 2, 3), drop_path_rate=0.1, ls_init_value=1e-6))
