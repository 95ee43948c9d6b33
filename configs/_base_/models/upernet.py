# mmseg's UperNet + auxiliary FCN head with our ResNet-50 (torchvision weights). The model
# type is mmseg's EncoderDecoder whose constructor derives the heads' in_channels from the
# backbone (decode_head: the outputs in_index selects; auxiliary_head: stage 3), so swapping
# the backbone is one `backbone=dict(...)` edit, in our tools and in mmseg's own APIs alike.
_base_ = 'mmseg::_base_/models/upernet_r50.py'
model = dict(
    type='backbones.EncoderDecoder',
    pretrained=None,
    data_preprocessor=dict(size=(512, 512)),  # pads training crops to one batch shape
    backbone=dict(
        _delete_=True, type='backbones.ResNet', depth=50, norm_cfg=dict(type='SyncBN'),
        init_cfg=dict(type='Pretrained', checkpoint='torchvision://resnet50')),
    decode_head=dict(in_channels=None, num_classes=150),
    auxiliary_head=dict(in_channels=None, num_classes=150),
    # The paper's single-scale protocol: 512x512 windows, stride 341, over the image resized
    # to a 512 short side. tools/test.py --tta switches to whole images at 6 scales + flip.
    test_cfg=dict(mode='slide', crop_size=(512, 512), stride=(341, 341)))
