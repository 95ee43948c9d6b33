# ConvNeXt-T's ImageNet-1K trunk at 224x224: what the paper's 28.6M params / 4.5 GFLOPs count
# (tools/get_flops.py CONFIG --shape 224 224). For counting and benchmarks, not a training recipe.
# Paper (Table 1 / Figure 2): 28M params, 4.5 GFLOPs.
default_scope = 'backbones'
custom_imports = dict(imports=['backbones'], allow_failed_imports=False)
model = dict(type='backbones.ImageClassifier', num_classes=1000,
             backbone=dict(type='backbones.ConvNeXt', arch='tiny'))
