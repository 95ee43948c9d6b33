# Mask R-CNN, ConvNeXt V2-B, 3x schedule, multi-scale 480-800 + crop, AdamW + layer-wise lr decay, AMP.
# Paper (ConvNeXt V2, Table 6): box / mask AP 51.0 / 45.6 supervised, 52.9 / 46.6 FCMAE.
# Weights: the V2 release fine-tuned on ImageNet-1K (FCMAE pretraining, then labels); for the FCMAE
# pretrain-only file write .../convnextv2/pt_only/convnextv2_base_1k_224_fcmae.pt (its decoder is dropped).
# Recipe, the V2 paper's: AdamW lr 1e-4, wd 0.05, layer-wise decay 0.95, drop path. Ours (the V2
# repository has no detection code): drop path 0.7, 12 decay layers, schedule and pipeline, all V1-B's.
_base_ = './mask-rcnn_convnext-b_fpn_ms-crop-3x_coco.py'
model = dict(backbone=dict(arch='v2-base', init_cfg=dict(
    checkpoint='https://dl.fbaipublicfiles.com/convnext/convnextv2/im1k/convnextv2_base_1k_224_ema.pt')))
