# COCO 2017 instances (coco_instance.py) with the paper's 3x augmentation (from DETR /
# Sparse R-CNN): flip, then either a multi-scale resize (short side 480..800, long side
# <= 1333) or resize 400..600 + random 384..600 crop + multi-scale resize.
_base_ = './coco_instance.py'
ms_crop_scales = [(s, 1333) for s in range(480, 801, 32)]
train_dataloader = dict(dataset=dict(pipeline=[
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
    dict(type='PackDetInputs')]))
