# Mask R-CNN, ConvNeXt-T, the 3x recipe, on your own COCO-format set: copy, then edit classes and paths.
# Paper: none (your data). The heads' class counts follow `classes`; a count that disagrees stops the run.
_base_ = './mask-rcnn_convnext-t_fpn_ms-crop-3x_coco.py'
classes = ('balloon', 'kite')  # the category names of your annotation files
data_root = 'data/my_coco/'
model = dict(roi_head=dict(bbox_head=dict(num_classes=len(classes)),
                           mask_head=dict(num_classes=len(classes))))
train_dataloader = dict(dataset=dict(
    data_root=data_root, metainfo=dict(classes=classes),
    ann_file='annotations/train.json', data_prefix=dict(img='train/')))
val_dataloader = dict(dataset=dict(
    data_root=data_root, metainfo=dict(classes=classes),
    ann_file='annotations/val.json', data_prefix=dict(img='val/')))
test_dataloader = val_dataloader
val_evaluator = dict(ann_file=data_root + 'annotations/val.json')
test_evaluator = val_evaluator
