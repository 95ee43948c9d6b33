# COCO 2017 instances in the standard layout: data/coco/{train2017,val2017}/ and
# data/coco/annotations/instances_{train,val}2017.json. Single-scale 1333x800 (mmdet's 1x).
# CheckedCocoDataset names missing images and dangling ids, and counts skipped annotations.
_base_ = 'mmdet::_base_/datasets/coco_instance.py'
train_dataloader = dict(dataset=dict(type='backbones.CheckedCocoDataset'))
val_dataloader = dict(dataset=dict(type='backbones.CheckedCocoDataset'))
test_dataloader = val_dataloader
# The paper's 3x augmentation (from DETR / Sparse R-CNN), used by the *_ms-crop-3x configs as
# train_dataloader = dict(dataset=dict(pipeline={{_base_.ms_crop_train_pipeline}})):
# flip, then either a multi-scale resize (short side 480..800, long side <= 1333) or
# resize 400..600 + random 384..600 crop + multi-scale resize.
ms_crop_scales = [(s, 1333) for s in range(480, 801, 32)]
ms_crop_train_pipeline = [
    dict(type='LoadImageFromFile', backend_args=None),
    dict(type='LoadAnnotations', with_bbox=True, with_mask=True),
    dict(type='RandomFlip', prob=0.5),
    dict(type='RandomChoice', transforms=[
        [dict(type='RandomChoiceResize', scales=ms_crop_scales, keep_ratio=True)],
        [dict(type='RandomChoiceResize', scales=[(400, 1333), (500, 1333), (600, 1333)],
              keep_ratio=True),
         dict(type='RandomCrop', crop_type='absolute_range', crop_size=(384, 600),
              allow_negative_crop=True),
         dict(type='RandomChoiceResize', scales=ms_crop_scales, keep_ratio=True)]]),
    dict(type='PackDetInputs')]
