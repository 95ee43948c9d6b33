# UperNet, timm's ConvNeXt-T through mmpretrain's TIMMBackbone (the optional mmpretrain extra), 160k, 512x512.
# Paper: not reported (a backbone-swap example; our ConvNeXt-T row, upernet_convnext-t_..., is the paper's 46.0 / 46.7).
# timm builds the model and fetches its ImageNet-1K weights itself (Hugging Face hub). Its
# features have no per-output LayerNorm and its parameter names are timm's, so the paper's
# stage-wise lr decay does not apply: plain AdamW at the paper's lr and weight decay.
_base_ = './upernet_convnext-t_160k_ade20k-512x512.py'
custom_imports = dict(imports=['backbones', 'mmpretrain.models'], allow_failed_imports=False)
model = dict(backbone=dict(
    _delete_=True, type='mmpretrain.TIMMBackbone', model_name='convnext_tiny.fb_in1k',
    features_only=True, pretrained=True, out_indices=(0, 1, 2, 3), drop_path_rate=0.4))
optim_wrapper = dict(
    _delete_=True, type='AmpOptimWrapper', loss_scale='dynamic',
    optimizer=dict(type='AdamW', lr=0.0001, betas=(0.9, 0.999), weight_decay=0.05))
