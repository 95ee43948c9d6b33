"""Convert an official ConvNeXt, timm or torchvision checkpoint to this toolkit's names.

    python tools/convert_checkpoint.py convnext_tiny_1k_224.pth work_dirs/convnext_tiny.pth

The result loads with init_cfg=dict(type='Pretrained', checkpoint=DST); conversion also
happens on the fly there, so converting is only needed to inspect or ship a file.
"""
import _tool  # noqa: F401, I001  (first: hides third-party deprecation warnings)
import argparse
import sys

from backbones.weights.io import CheckpointError
from backbones.models.convert import convert_checkpoint


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('src', help='checkpoint to convert')
    parser.add_argument('dst', help='where to write the converted checkpoint')
    parser.add_argument('--unsafe-load', action='store_true',
                        help='unpickle arbitrary objects in SRC (only for files you trust)')
    args = parser.parse_args()
    try:
        info = convert_checkpoint(args.src, args.dst, weights_only=not args.unsafe_load)
    except CheckpointError as err:
        print(f'error: {err}', file=sys.stderr)
        return 1
    print(f"{args.dst}: {info['backbone']}({info['kwargs']}), {info['tensors']} tensors")
    if info['missing']:
        print('not in the source (stay randomly initialised): ' + ', '.join(info['missing']))
    return 0


if __name__ == '__main__':
    sys.exit(main())
