# The embedded semantic demo set (backbones.data.demo.make_ade_shapes): 128x128 images of
# objects filled with one of three black-and-white patterns (the class) on colourful
# backgrounds in ADE20K's layout and label convention (0 = ignore) under data/demo_ade_shapes/.
# `python tools/study.py --data` writes it.
_base_ = './ade20k.py'
data_root = 'data/demo_ade_shapes'
crop_size = (128, 128)
dataset = dict(
    type='backbones.CheckedSegDataset', data_root=data_root, img_suffix='.jpg',
    seg_map_suffix='.png', reduce_zero_label=True,
    metainfo=dict(classes=('background', 'dots', 'grid', 'zigzag'),
                  palette=[[120, 120, 120], [255, 220, 0], [0, 220, 255], [255, 0, 200]]))
load = dict(type='backbones.LoadSegAnnotations', reduce_zero_label=True)
train_pipeline = [
    dict(type='LoadImageFromFile'), load,
    dict(type='RandomResize', scale=crop_size, ratio_range=(0.75, 1.5), keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size, cat_max_ratio=0.75),
    dict(type='RandomFlip', prob=0.5), dict(type='PackSegInputs')]
# (top-level test_pipeline: what mmseg's inference_model reads)
test_pipeline = [dict(type='LoadImageFromFile'), load, dict(type='PackSegInputs')]
train_dataloader = dict(batch_size=4, num_workers=0, persistent_workers=False, dataset=dict(
    **dataset, pipeline=train_pipeline))
val_dataloader = dict(batch_size=4, num_workers=0, persistent_workers=False, dataset=dict(
    **dataset, pipeline=test_pipeline))
test_dataloader = val_dataloader
tta_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='TestTimeAug', transforms=[
        [dict(type='Resize', scale_factor=r, keep_ratio=True)
         for r in (0.5, 0.75, 1.0, 1.25, 1.5, 1.75)],
        [dict(type='RandomFlip', prob=0., direction='horizontal'),
         dict(type='RandomFlip', prob=1., direction='horizontal')],
        [load], [dict(type='PackSegInputs')]])]
