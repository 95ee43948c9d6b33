# The demo's "ImageNet" (backbones.data.demo.make_cls_shapes): 40x40 images of one object each,
# filled with one of six black-and-white patterns (the class) on colourful backgrounds, in
# ImageNet's folder layout under data/demo_cls_shapes/; the same dataset class and pipeline
# steps as configs/_base_/datasets/imagenet.py, at the demo's size.
_base_ = './imagenet.py'
data_root = 'data/demo_cls_shapes'
train_dataloader = dict(
    batch_size=32, num_workers=0, persistent_workers=False,
    sampler=dict(_delete_=True, type='InfiniteSampler', shuffle=True),
    dataset=dict(data_root=data_root, pipeline=[
        # No random resized crop: the generator already draws every object's place, size,
        # angle and period, and the crop's bilinear resampling greys the patterns' edges.
        dict(type='LoadImageFromFile'),
        dict(type='RandomFlip', prob=0.5), dict(type='backbones.PackClsInputs')]))
val_dataloader = dict(
    batch_size=64, num_workers=0, persistent_workers=False,
    dataset=dict(data_root=data_root, pipeline=[
        dict(type='LoadImageFromFile'), dict(type='backbones.PackClsInputs')]))
test_dataloader = val_dataloader
val_evaluator = dict(topk=(1,))
test_evaluator = val_evaluator
# --auto-scale-lr: the demo's lr are for its batch of 32 (one process).
auto_scale_lr = dict(enable=False, base_batch_size=32)
