# UperNet, Swin-B pre-trained on ImageNet-22K (384, window 12), 640x640 crops, 160k iterations, AdamW, AMP.
# Paper (Table 4, Swin-B‡): mIoU 51.7 multi-scale; 121M, 1841 GFLOPs (at 2560x640).
# Recipe: Swin-B's (upernet_swin-b_...) at 640 crops, from Swin's 384-pretrained 22K weights (window 12).
_base_ = ['./upernet_convnext-b-in22k-pre_160k_ade20k-640x640.py', '../_base_/models/swin.py']
model = dict(backbone={{_base_.swin_b_384_22k}})
optim_wrapper = {{_base_.swin_optim_wrapper_seg}}
