#!/usr/bin/env python3
"""CUDA backend figures beside PyTorch's on the same GPU, in the same run.

Measures what the CUDA backend implements today: matrix products through cuBLAS
(TFLOP/s for float32, float16 and bfloat16), elementwise add (GB/s moved, counting the two
reads and the write) and the per-op cost of a tiny add on the device (µs, launch-bound).
Each figure is the median of several timed repeats after a warm-up, with the device
synchronised around every timing. The ratio column is deepseek / torch (higher is better
for throughput, lower for microseconds).

Run on a machine with a GPU after building with -DDEEPSEEK_CUDA=ON:
    PYTHONPATH=build/python python3 benchmarks/gpu_bench.py
scripts/gpu_check.sh runs it on the borrowed GPU machine. Prints a table, then JSON.
"""
import argparse
import json
import statistics
import time

import deepseek


def timed(lib, fn, inner, repeats):
    """Median seconds of one call of fn, over `repeats` timings of `inner` calls each."""
    for _ in range(3):
        fn()
    lib.cuda.synchronize()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(inner):
            fn()
        lib.cuda.synchronize()
        samples.append((time.perf_counter() - start) / inner)
    return statistics.median(samples)


def matmul_tflops(lib, n, dtype_name, repeats):
    dtype = getattr(lib, dtype_name)
    a = lib.randn(n, n, device="cuda").to(dtype)
    b = lib.randn(n, n, device="cuda").to(dtype)
    seconds = timed(lib, lambda: a @ b, inner=10, repeats=repeats)
    return 2.0 * n**3 / seconds / 1e12


def add_gbps(lib, numel, repeats):
    a = lib.randn(numel, device="cuda")
    b = lib.randn(numel, device="cuda")
    seconds = timed(lib, lambda: a + b, inner=20, repeats=repeats)
    return 3 * 4 * numel / seconds / 1e9


def tiny_add_us(lib, repeats):
    a = lib.randn(8, device="cuda")
    b = lib.randn(8, device="cuda")
    return timed(lib, lambda: a + b, inner=2000, repeats=repeats) * 1e6


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=8192, help="matrix side")
    parser.add_argument("--numel", type=int, default=1 << 28, help="elements per add")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    libraries = {"deepseek": deepseek}
    try:
        import torch
        if torch.cuda.is_available():
            libraries["torch"] = torch
            # PyTorch's default float32 matmul is exact float32 (no TF32); so is ours.
            torch.backends.cuda.matmul.allow_tf32 = False
    except ImportError:
        pass
    if not deepseek.cuda.is_available():
        raise SystemExit("gpu_bench: deepseek sees no CUDA device: "
                         + deepseek.cuda._unavailable_reason())

    cases = [(f"matmul {args.size} {name} (TFLOP/s)", True,
              lambda lib, name=name: matmul_tflops(lib, args.size, name, args.repeats))
             for name in ("float32", "float16", "bfloat16")]
    cases.append((f"add {args.numel} float32 (GB/s)", True,
                  lambda lib: add_gbps(lib, args.numel, args.repeats)))
    cases.append(("8-element add on device (us)", False,
                  lambda lib: tiny_add_us(lib, args.repeats)))

    results = []
    print(f"GPU: {deepseek.cuda.get_device_name()}")
    print(f"{'case':<40}{'deepseek':>12}{'torch':>12}{'ratio':>8}")
    for name, _, run in cases:
        row = {"case": name}
        for lib_name, lib in libraries.items():
            row[lib_name] = run(lib)
        if "torch" in row:
            row["ratio"] = row["deepseek"] / row["torch"]
        results.append(row)
        torch_text = f"{row['torch']:12.2f}" if "torch" in row else f"{'-':>12}"
        ratio_text = f"{row['ratio']:8.2f}" if "ratio" in row else f"{'-':>8}"
        print(f"{name:<40}{row['deepseek']:12.2f}{torch_text}{ratio_text}")
    print(json.dumps({"gpu": deepseek.cuda.get_device_name(), "results": results}, indent=1))


if __name__ == "__main__":
    main()
