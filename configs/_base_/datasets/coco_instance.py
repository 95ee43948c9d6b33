# COCO 2017 instances in the standard layout: data/coco/{train2017,val2017}/ and
# data/coco/annotations/instances_{train,val}2017.json. Single-scale 1333x800 (mmdet's 1x).
# CheckedCocoDataset names missing images and dangling ids, and counts skipped annotations.
_base_ = 'mmdet::_base_/datasets/coco_instance.py'
train_dataloader = dict(dataset=dict(type='backbones.CheckedCocoDataset'))
val_dataloader = dict(dataset=dict(type='backbones.CheckedCocoDataset'))
test_dataloader = val_dataloader
