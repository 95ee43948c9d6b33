# UperNet, Swin-T (mmdet's SwinTransformer), 512x512 crops, 160k iterations, AdamW, AMP.
# Paper (Table 4): mIoU 45.8 multi-scale (Swin's release: 44.5 single-scale); 60M, 945 GFLOPs.
# Recipe (Swin's config): lr 6e-5, wd 0.01 (none on norms and position tables), drop path 0.3,
# the same warm-up + poly schedule as the ConvNeXt rows.
_base_ = ['./upernet_convnext-t_160k_ade20k-512x512.py', '../_base_/models/swin.py']
model = dict(backbone={{_base_.swin_t_seg}})
optim_wrapper = {{_base_.swin_optim_wrapper_seg}}
