# ResNet-50's ImageNet-1K trunk at 224x224 (tools/get_flops.py CONFIG --shape 224 224).
# Paper (ConvNeXt Figure 2 / ResNet Table 1): 25.6M params, 4.1 GFLOPs.
_base_ = './convnext-t_in1k-224.py'
model = dict(backbone=dict(_delete_=True, type='backbones.ResNet', depth=50))
