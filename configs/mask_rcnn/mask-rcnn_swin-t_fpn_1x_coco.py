# Mask R-CNN, Swin-T (mmdet's SwinTransformer), 1x schedule, single-scale 1333x800, AdamW, AMP.
# Paper: not reported (a backbone-swap example: another library's backbone in our config; mmdet reports box 42.7 / mask 39.3).
# Only the backbone and its optimizer differ from the ConvNeXt-T config; the FPN's in_channels
# are read off the built backbone (it declares none). Recipe: mmdet's Swin-T Mask R-CNN config
# (its weights loaded by mmengine, mmdet's class).
_base_ = ['./mask-rcnn_convnext-t_fpn_1x_coco.py', '../_base_/models/swin.py']
model = dict(backbone={{_base_.swin_t}})
optim_wrapper = {{_base_.swin_optim_wrapper_det}}
