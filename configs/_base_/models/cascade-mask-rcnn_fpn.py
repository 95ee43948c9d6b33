# mmdet's Cascade Mask R-CNN + FPN with our ResNet-50; the model type derives the FPN's
# in_channels from the backbone (see mask-rcnn_fpn.py).
_base_ = 'mmdet::_base_/models/cascade-mask-rcnn_r50_fpn.py'
model = dict(
    type='backbones.CascadeRCNN',
    backbone=dict(
        _delete_=True, type='backbones.ResNet', depth=50, frozen_stages=1, norm_eval=True,
        init_cfg=dict(type='Pretrained', checkpoint='torchvision://resnet50')),
    neck=dict(in_channels=None))
