# mmdet's Mask R-CNN + FPN with our ResNet-50. The model type is mmdet's MaskRCNN whose
# constructor derives the FPN's in_channels from the backbone (backbones.models.wiring), so
# swapping the backbone is one `backbone=dict(...)` edit, in our tools and in mmdet's own APIs
# (init_detector, DetInferencer, its tools/train.py) alike.
_base_ = 'mmdet::_base_/models/mask-rcnn_r50_fpn.py'
model = dict(
    type='backbones.MaskRCNN',
    backbone=dict(
        _delete_=True, type='backbones.ResNet', depth=50, frozen_stages=1, norm_eval=True,
        init_cfg=dict(type='Pretrained', checkpoint='torchvision://resnet50')),
    neck=dict(in_channels=None))
