# ConvNeXt (backbones.ConvNeXt) as the paper's detection and segmentation configs build it:
# every ConvNeXt config reads one of these (`model = dict(backbone={{_base_.convnext_t}})`),
# so the backbone is written once, as Swin's is (swin.py). Drop path by size is the official
# detection configs'; their segmentation configs use less for S and B (*_seg). Layer scale
# starts at 1.0, the fine-tuning value: the ImageNet checkpoint overwrites it. Each dict
# replaces the inherited backbone (_delete_).
convnext_t = dict(
    _delete_=True, type='backbones.ConvNeXt', arch='tiny', drop_path_rate=0.4,
    layer_scale_init_value=1.0, init_cfg=dict(
        type='Pretrained',
        checkpoint='https://dl.fbaipublicfiles.com/convnext/convnext_tiny_1k_224.pth'))
convnext_s = dict(convnext_t, arch='small', drop_path_rate=0.6, init_cfg=dict(
    type='Pretrained', checkpoint='https://dl.fbaipublicfiles.com/convnext/convnext_small_1k_224.pth'))
convnext_b = dict(convnext_t, arch='base', drop_path_rate=0.7, init_cfg=dict(
    type='Pretrained', checkpoint='https://dl.fbaipublicfiles.com/convnext/convnext_base_1k_224.pth'))
convnext_s_seg = dict(convnext_s, drop_path_rate=0.3)
convnext_b_seg = dict(convnext_b, drop_path_rate=0.4)
convnext_b_in22k_seg = dict(convnext_b_seg, init_cfg=dict(
    type='Pretrained', checkpoint='https://dl.fbaipublicfiles.com/convnext/convnext_base_22k_224.pth'))
