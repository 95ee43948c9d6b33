"""Experiments built on the layers below. The paper's transfer experiment (the demo run by
`make demo` / tools/study.py, and the paper-scale plan) in three parts: `plan` (which runs),
`runs` (executing them, each in its own process) and `tables` (their results as a table and
a figure). The speed and memory benchmarks: `bench` (inference) and `bench_train` (training
steps; tools/benchmark.py). Imported by module; nothing here is registered."""
