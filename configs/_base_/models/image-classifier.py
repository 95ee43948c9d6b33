# The ImageNet classifier as each release builds it (backbones.ImageClassifier): ConvNeXt-T ->
# global average pool -> LayerNorm -> Linear. Same colour order (RGB) and normalisation as
# mmdet's and mmseg's data preprocessors, so pretrained weights see the same input downstream.
model = dict(
    type='backbones.ImageClassifier', num_classes=1000,
    data_preprocessor=dict(type='ImgDataPreprocessor', mean=[123.675, 116.28, 103.53],
                           std=[58.395, 57.12, 57.375], bgr_to_rgb=True),
    backbone=dict(type='backbones.ConvNeXt', arch='tiny'))
