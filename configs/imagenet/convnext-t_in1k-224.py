# ConvNeXt-T on ImageNet-1K at 224x224. Paper (Table 1): 82.1 top-1, 28M params, 4.5 GFLOPs.
# Evaluate the release: tools/test.py CONFIG https://dl.fbaipublicfiles.com/convnext/convnext_tiny_1k_224.pth
# Train: the paper's optimizer and schedule (AdamW 4e-3 per 4096 images, wd 0.05, 300 epochs,
# 20 of warm-up, cosine, drop path 0.1, label smoothing 0.1) for 8 GPUs x 128 images. Its
# Mixup / CutMix / RandAugment / random erasing / EMA are not built here.
_base_ = ['../_base_/models/image-classifier.py', '../_base_/datasets/imagenet.py',
          '../_base_/default_runtime_cls.py']
model = dict(label_smoothing=0.1, backbone=dict(drop_path_rate=0.1))
optim_wrapper = dict(type='AmpOptimWrapper', optimizer=dict(type='AdamW', lr=1e-3,
                     weight_decay=0.05), paramwise_cfg=dict(norm_decay_mult=0, bias_decay_mult=0))
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=300, val_interval=10)
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=True, end=20, convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', eta_min=1e-6, by_epoch=True, begin=20, end=300,
         convert_to_iter_based=True)]
default_hooks = dict(checkpoint=dict(by_epoch=True, interval=10))
log_processor = dict(by_epoch=True)
