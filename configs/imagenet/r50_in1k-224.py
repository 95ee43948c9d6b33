# ResNet-50 on ImageNet-1K at 224x224 (torchvision's model and names). Paper (ConvNeXt Figure 2 /
# ResNet Table 1): 25.6M params, 4.1 GFLOPs; torchvision's release (v1) 76.1 top-1:
# tools/test.py CONFIG torchvision://resnet50
_base_ = './convnext-t_in1k-224.py'
model = dict(backbone=dict(_delete_=True, type='backbones.ResNet', depth=50))
