# ImageNet-1K in its folder layout (data/imagenet/{train,val}/<wnid>/*.JPEG; the val images
# sorted into class folders), read by backbones.ImageFolderDataset. Training: random resized
# crop 224 + flip; evaluation: shorter side 256, centre crop 224 (crop ratio 0.875), top-1/5.
data_root = 'data/imagenet'
dataset = dict(type='backbones.ImageFolderDataset', data_root=data_root)
train_dataloader = dict(
    batch_size=128, num_workers=8, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(**dataset, data_prefix=dict(img_path='train'), pipeline=[
        dict(type='LoadImageFromFile'),
        dict(type='backbones.RandomResizedCrop', size=224, interpolation='bicubic'),
        dict(type='RandomFlip', prob=0.5), dict(type='backbones.PackClsInputs')]))
val_dataloader = dict(
    batch_size=128, num_workers=8, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(**dataset, data_prefix=dict(img_path='val'), test_mode=True, pipeline=[
        dict(type='LoadImageFromFile'),
        dict(type='backbones.ResizeShortEdge', size=256, interpolation='bicubic'),
        dict(type='CenterCrop', crop_size=224), dict(type='backbones.PackClsInputs')]))
test_dataloader = val_dataloader
val_evaluator = dict(type='backbones.Accuracy', topk=(1, 5))
test_evaluator = val_evaluator
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
# --auto-scale-lr: the configs' lr are for batch 1024 (8 GPUs x 128), scaled to the real one.
auto_scale_lr = dict(enable=False, base_batch_size=1024)
