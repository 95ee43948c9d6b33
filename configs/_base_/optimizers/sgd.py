# mmdet's baseline optimizer for ResNet detectors: SGD lr 0.02 for batch 16.
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.02, momentum=0.9, weight_decay=0.0001))
