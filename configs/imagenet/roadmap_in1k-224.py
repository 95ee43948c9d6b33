# The ConvNeXt paper's roadmap (Figure 2) on the ImageNet-1K trunk at 224x224: one step of
# backbones.RoadmapNet, e.g. tools/get_flops.py CONFIG --cfg-options model.backbone.step=kernel_7
# Paper (Figure 2): 4.1 GFLOPs (step resnet50) ... 4.5 GFLOPs (step separate_downsampling).
_base_ = './convnext-t_in1k-224.py'
model = dict(backbone=dict(_delete_=True, type='backbones.RoadmapNet', step='separate_downsampling'))
