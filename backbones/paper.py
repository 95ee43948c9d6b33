"""The published figures our configs are measured against, keyed by config name.

ConvNeXt paper (Liu et al. 2022): Table 3 (COCO, 3x, multi-scale training; FLOPs at
1280x800), Table 4 (ADE20K UperNet, 160k iterations, 512x512; mIoU single- / multi-scale,
FLOPs at 2048x512), Figure 2 / Table 1 (ImageNet trunks at 224x224). The Cascade ResNet-50
row is the Swin paper's, which the ConvNeXt paper reprints.
"""
from __future__ import annotations

DET, SEG, CLS = (800, 1280), (512, 2048), (224, 224)  # (H, W) of the FLOP counts

PAPER: dict[str, dict] = {
    'mask-rcnn_convnext-t_fpn_ms-crop-3x_coco': dict(
        source='Table 3', box_ap=46.2, mask_ap=41.7, params_m=48, gflops=262, shape=DET),
    'cascade-mask-rcnn_r50_fpn_4conv1fc-giou_ms-crop-3x_coco': dict(
        source='Table 3 (Swin)', box_ap=46.3, mask_ap=40.1, params_m=82, gflops=739, shape=DET),
    'cascade-mask-rcnn_convnext-t_fpn_4conv1fc-giou_ms-crop-3x_coco': dict(
        source='Table 3', box_ap=50.4, mask_ap=43.7, params_m=86, gflops=741, shape=DET),
    'cascade-mask-rcnn_convnext-s_fpn_4conv1fc-giou_ms-crop-3x_coco': dict(
        source='Table 3', box_ap=51.9, mask_ap=45.0, params_m=108, gflops=827, shape=DET),
    'cascade-mask-rcnn_convnext-b_fpn_4conv1fc-giou_ms-crop-3x_coco': dict(
        source='Table 3', box_ap=52.7, mask_ap=45.6, params_m=146, gflops=964, shape=DET),
    'upernet_convnext-t_160k_ade20k-512x512': dict(
        source='Table 4', miou=46.0, miou_ms=46.7, params_m=60, gflops=939, shape=SEG),
    'upernet_convnext-s_160k_ade20k-512x512': dict(
        source='Table 4', miou=48.7, miou_ms=49.6, params_m=82, gflops=1027, shape=SEG),
    'upernet_convnext-b_160k_ade20k-512x512': dict(
        source='Table 4', miou=49.1, miou_ms=49.9, params_m=122, gflops=1170, shape=SEG),
    'convnext-t_in1k-224': dict(source='Table 1 (printed as 28M)', params_m=28.6, gflops=4.5, shape=CLS),
    'r50_in1k-224': dict(source='Figure 2', params_m=25.6, gflops=4.1, shape=CLS),
}


def paper_shape(cfg) -> tuple[int, int]:
    """(H, W) the papers count a config's FLOPs at: by its task (default scope)."""
    return {'mmdet': DET, 'mmseg': SEG}.get(cfg.get('default_scope'), CLS)
