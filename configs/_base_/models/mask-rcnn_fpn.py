# mmdet's Mask R-CNN + FPN with our ResNet-50; FPN in_channels are derived from the backbone
# (backbones.engine.config.fit_in_channels), so swapping the backbone is one `backbone=dict(...)` edit.
_base_ = 'mmdet::_base_/models/mask-rcnn_r50_fpn.py'
model = dict(
    backbone=dict(
        _delete_=True, type='backbones.ResNet', depth=50, frozen_stages=1, norm_eval=True,
        init_cfg=dict(type='Pretrained', checkpoint='torchvision://resnet50')),
    neck=dict(in_channels=None))
