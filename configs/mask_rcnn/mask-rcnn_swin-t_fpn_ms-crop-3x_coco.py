# Mask R-CNN, Swin-T (mmdet's SwinTransformer), 3x schedule, multi-scale 480-800 + crop, AdamW, AMP.
# Paper (Table 3): box AP 46.0, mask AP 41.6; 48M params, 267G FLOPs (Swin's released model).
# Recipe (Swin's config): lr 1e-4, wd 0.05 (none on norms and position tables), drop path 0.2.
_base_ = ['./mask-rcnn_convnext-t_fpn_ms-crop-3x_coco.py', '../_base_/models/swin.py']
model = dict(backbone={{_base_.swin_t}})
optim_wrapper = {{_base_.swin_optim_wrapper_det}}
