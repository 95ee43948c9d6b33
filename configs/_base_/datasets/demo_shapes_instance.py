# The embedded demo set (backbones.data.demo.make_coco_shapes): 128x128 images of objects
# filled with one of three black-and-white patterns (the class; any outline, no class colour)
# in COCO format under data/demo_shapes/. `python tools/study.py --data` writes it.
_base_ = './coco_instance.py'
data_root = 'data/demo_shapes/'
metainfo = dict(classes=('checker', 'dots', 'stripes'))
# Evaluation reads ground truth from the json, so the test pipeline loads images only.
pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(128, 128), keep_ratio=True),
    dict(type='PackDetInputs', meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                                          'scale_factor'))]
train_dataloader = dict(batch_size=4, num_workers=0, persistent_workers=False, dataset=dict(
    data_root=data_root, metainfo=metainfo, ann_file='annotations/instances_train.json',
    data_prefix=dict(img='train/'), filter_cfg=dict(filter_empty_gt=True, min_size=4),
    pipeline=[pipeline[0], dict(type='LoadAnnotations', with_bbox=True, with_mask=True),
              *pipeline[1:2], dict(type='RandomFlip', prob=0.5), pipeline[2]]))
val_dataloader = dict(batch_size=4, num_workers=0, persistent_workers=False, dataset=dict(
    data_root=data_root, metainfo=metainfo, ann_file='annotations/instances_val.json',
    data_prefix=dict(img='val/'), pipeline=pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(ann_file=data_root + 'annotations/instances_val.json')
test_evaluator = val_evaluator
# --auto-scale-lr: the demo's lr are for its batch of 4 (one process).
auto_scale_lr = dict(enable=False, base_batch_size=4)
