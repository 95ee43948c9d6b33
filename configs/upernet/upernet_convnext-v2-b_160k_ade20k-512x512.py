# UperNet, ConvNeXt V2-B, 512x512 crops, 160k iterations, AdamW + stage-wise lr decay, AMP.
# Paper (ConvNeXt V2, Table 7): mIoU 50.5 supervised, 52.1 FCMAE.
# Weights: the V2 release fine-tuned on ImageNet-1K (FCMAE pretraining, then labels); for the FCMAE
# pretrain-only file write .../convnextv2/pt_only/convnextv2_base_1k_224_fcmae.pt (its decoder is dropped).
# Recipe, ours (the V2 repository has no segmentation code): V1-B's (lr 1e-4, wd 0.05, stage-wise
# decay 0.9 over 12 layers, drop path 0.4).
_base_ = './upernet_convnext-b_160k_ade20k-512x512.py'
model = dict(backbone=dict(arch='v2-base', init_cfg=dict(
    checkpoint='https://dl.fbaipublicfiles.com/convnext/convnextv2/im1k/convnextv2_base_1k_224_ema.pt')))
