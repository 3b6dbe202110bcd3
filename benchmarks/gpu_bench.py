#!/usr/bin/env python3
"""CUDA backend figures beside PyTorch's on the same GPU, in the same run.

Measures what the CUDA backend implements today: matrix products through cuBLAS
(TFLOP/s for float32, float16 and bfloat16), elementwise add (GB/s moved, counting the two
reads and the write) and the per-op cost of a tiny add on the device (µs, launch-bound).
Each figure is the median of several timed repeats after a warm-up, with the device
synchronised around every timing. The ratio column is deepseek / torch (higher is better
for throughput, lower for microseconds). Each library is measured in its own process: the
two load different builds of the CUDA libraries (cuBLAS under one soname), which must not
meet in one process.

Run on a machine with a GPU after building with -DDEEPSEEK_CUDA=ON:
    PYTHONPATH=build/python python3 benchmarks/gpu_bench.py
scripts/gpu_check.sh runs it on the borrowed GPU machine. Prints a table, then JSON.
"""
import argparse
import json
import statistics
import subprocess
import sys
import time


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


def cases(args):
    """(name, function of the library module) for every figure."""
    rows = [(f"matmul {args.size} {name} (TFLOP/s)",
             lambda lib, name=name: matmul_tflops(lib, args.size, name, args.repeats))
            for name in ("float32", "float16", "bfloat16")]
    rows.append((f"add {args.numel} float32 (GB/s)",
                 lambda lib: add_gbps(lib, args.numel, args.repeats)))
    rows.append(("8-element add on device (us)", lambda lib: tiny_add_us(lib, args.repeats)))
    return rows


def measure_one(lib_name, args):
    """Runs every case on one library (this process imports only it); prints JSON."""
    if lib_name == "torch":
        import torch as lib
        # PyTorch's default float32 matmul is exact float32 (no TF32); so is deepseek's.
        lib.backends.cuda.matmul.allow_tf32 = False
        available, reason = lib.cuda.is_available(), "torch.cuda.is_available() is False"
    else:
        import deepseek as lib
        available, reason = lib.cuda.is_available(), lib.cuda._unavailable_reason()
    if not available:
        print(json.dumps({"error": reason}))
        return
    figures = {name: run(lib) for name, run in cases(args)}
    print(json.dumps({"gpu": lib.cuda.get_device_name(), "figures": figures}))


def measure_in_subprocess(lib_name, args):
    command = [sys.executable, "-X", "faulthandler", __file__, "--lib", lib_name,
               "--size", str(args.size), "--numel", str(args.numel),
               "--repeats", str(args.repeats)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        return {"error": f"exit {done.returncode}: {done.stderr.strip()[-2000:]}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=8192, help="matrix side")
    parser.add_argument("--numel", type=int, default=1 << 28, help="elements per add")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--lib", choices=["deepseek", "torch"],
                        help="measure this library alone, in this process (JSON out)")
    args = parser.parse_args()
    if args.lib:
        measure_one(args.lib, args)
        return

    measured = {name: measure_in_subprocess(name, args) for name in ("deepseek", "torch")}
    if "error" in measured["deepseek"]:
        raise SystemExit("gpu_bench: deepseek: " + measured["deepseek"]["error"])
    if "error" in measured["torch"]:
        print("gpu_bench: no PyTorch figures:", measured["torch"]["error"])
    print(f"GPU: {measured['deepseek']['gpu']}")
    print(f"{'case':<40}{'deepseek':>12}{'torch':>12}{'ratio':>8}")
    results = []
    for name, ours in measured["deepseek"]["figures"].items():
        row = {"case": name, "deepseek": ours}
        theirs = measured["torch"].get("figures", {}).get(name)
        if theirs is not None:
            row["torch"], row["ratio"] = theirs, ours / theirs
        results.append(row)
        torch_text = f"{theirs:12.2f}" if theirs is not None else f"{'-':>12}"
        ratio_text = f"{row['ratio']:8.2f}" if "ratio" in row else f"{'-':>8}"
        print(f"{name:<40}{ours:12.2f}{torch_text}{ratio_text}")
    print(json.dumps({"gpu": measured["deepseek"]["gpu"], "results": results}, indent=1))


if __name__ == "__main__":
    main()
