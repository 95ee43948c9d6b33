# ADE20K (SceneParsing 2016) in its release layout under data/ade/ADEChallengeData2016:
# images/{training,validation}/*.jpg, annotations/{training,validation}/*.png, label 0 =
# "other" (ignored via reduce_zero_label), 150 classes. mmseg's pipelines, with labels read by
# backbones.LoadSegAnnotations (checks each label's size and values) and a checked dataset.
dataset_type = 'backbones.CheckedADE20KDataset'
data_root = 'data/ade/ADEChallengeData2016'
crop_size = (512, 512)


def _pipelines(scale: tuple, crop: tuple) -> dict:
    """Training (random resize around `scale`, `crop` crops), testing (resize to `scale`) and
    --tta (the paper's multi-scale numbers: ratios 0.5..1.75 of `scale`, x flip)."""
    load = dict(type='backbones.LoadSegAnnotations', reduce_zero_label=True)
    return dict(
        train=[dict(type='LoadImageFromFile'), load,
               dict(type='RandomResize', scale=scale, ratio_range=(0.5, 2.0), keep_ratio=True),
               dict(type='RandomCrop', crop_size=crop, cat_max_ratio=0.75),
               dict(type='RandomFlip', prob=0.5), dict(type='PhotoMetricDistortion'),
               dict(type='PackSegInputs')],
        # labels are loaded after Resize: mIoU is computed at the original resolution
        test=[dict(type='LoadImageFromFile'), dict(type='Resize', scale=scale, keep_ratio=True),
              load, dict(type='PackSegInputs')],
        tta=[dict(type='LoadImageFromFile'), dict(type='TestTimeAug', transforms=[
            [dict(type='Resize', scale=(int(scale[0] * r), int(scale[1] * r)), keep_ratio=True)
             for r in (0.5, 0.75, 1.0, 1.25, 1.5, 1.75)],
            [dict(type='RandomFlip', prob=0., direction='horizontal'),
             dict(type='RandomFlip', prob=1., direction='horizontal')],
            [load], [dict(type='PackSegInputs')]])])


train_pipeline, test_pipeline, tta_pipeline = _pipelines((2048, 512), crop_size).values()
# The 640x640 crops of the ImageNet-22K rows (ade20k-640x640.py reads them)
pipelines_640 = _pipelines((2560, 640), (640, 640))
train_dataloader = dict(
    batch_size=2,  # x 8 GPUs = 16, as the paper
    num_workers=4, persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(type=dataset_type, data_root=data_root, pipeline=train_pipeline,
                 data_prefix=dict(img_path='images/training',
                                  seg_map_path='annotations/training')))
val_dataloader = dict(
    batch_size=1, num_workers=4, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, data_root=data_root, pipeline=test_pipeline,
                 data_prefix=dict(img_path='images/validation',
                                  seg_map_path='annotations/validation')))
test_dataloader = val_dataloader
val_evaluator = dict(type='IoUMetric', iou_metrics=['mIoU'])  # reports aAcc, mIoU, mAcc
test_evaluator = val_evaluator
