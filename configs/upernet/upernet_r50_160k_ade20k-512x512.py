# UperNet, ResNet-50 (torchvision weights), 512x512 crops, 160k iterations, mmseg's SGD recipe.
# Paper: not reported (baseline). mmseg's UperNet R-50-V1c (deep stem): mIoU 42.05 / 42.78 ms.
_base_ = [
    '../_base_/models/upernet.py', '../_base_/datasets/ade20k.py',
    '../_base_/schedules/schedule_160k.py', '../_base_/optimizers/sgd.py',
    '../_base_/default_runtime_seg.py'
]
optim_wrapper = dict(optimizer=dict(lr=0.01, weight_decay=0.0005))
param_scheduler = [
    dict(type='PolyLR', power=0.9, eta_min=1e-4, by_epoch=False, begin=0, end=160000)]
