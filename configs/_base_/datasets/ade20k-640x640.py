# ADE20K at the 640x640 crops of the ImageNet-22K rows (the official 640 configs): images
# resized around 2560x640 for training, to a 640 short side for testing and 0.5..1.75 of it
# for --tta; the pipelines are ade20k.py's, made for that scale there. Everything else as
# ade20k.py.
_base_ = './ade20k.py'
crop_size = (640, 640)
train_pipeline = {{_base_.pipelines_640.train}}
test_pipeline = {{_base_.pipelines_640.test}}
tta_pipeline = {{_base_.pipelines_640.tta}}
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
