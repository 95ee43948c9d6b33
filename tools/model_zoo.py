"""Write docs/model_zoo.md from configs/ and backbones/evaluation/paper.py: per row of the paper's
Tables 3 and 4 the config, pretrained weights, released fine-tuned model, the paper's figures
and the command that evaluates it.

    python tools/model_zoo.py            # rewrite docs/model_zoo.md
    python tools/model_zoo.py --check    # exit 1 if it is not current
"""
import _tool  # noqa: F401, I001  (first: hides third-party deprecation warnings)
import argparse
import os.path as osp
import sys

from backbones.evaluation.paper import model_zoo_markdown
from backbones.weights import save_text

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
PAGE = osp.join(ROOT, 'docs', 'model_zoo.md')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--check', action='store_true', help='compare, do not write')
    args = parser.parse_args()
    text = model_zoo_markdown(ROOT)
    if args.check:
        current = open(PAGE).read() if osp.isfile(PAGE) else ''
        if current != text:
            sys.exit(f'{PAGE} is not current: run python tools/model_zoo.py')
        print(f'{PAGE} is current')
        return
    save_text(text, PAGE)
    print(f'wrote {PAGE}')


if __name__ == '__main__':
    main()
