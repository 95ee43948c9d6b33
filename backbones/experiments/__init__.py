"""Experiments built on the layers below: the paper's transfer experiment (`study`: the demo
run by `make demo` / tools/study.py, and the paper-scale plan) and the speed and memory
benchmarks (`bench`: inference, `bench_train`: training steps; tools/benchmark.py). Imported
by module; nothing here is registered."""
