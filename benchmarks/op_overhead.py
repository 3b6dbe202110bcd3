#!/usr/bin/env python3
"""Per-op overhead from Python: microseconds per 8-element float32 add.

An 8-element add does no real work, so its time per call is what the framework costs per
op called from Python: argument parsing, validation, dispatch, allocation and, with
requires_grad, recording the backward node. PyTorch's figure stands beside deepseek's
when torch can be imported (Debian's python3-torch).

Run from the repository root after building:
    PYTHONPATH=build/python /usr/bin/python3 benchmarks/op_overhead.py
Prints the CPU model and its relevant flags, a table, then the same results as JSON.
"""
import argparse
import json
import platform
import timeit

import deepseek

RELEVANT_CPU_FLAGS = ["avx2", "avx512f", "avx512_bf16", "amx_bf16", "amx_tile"]


def cpu_info():
    """The first core's model name and which of the relevant flags it has."""
    model, flags = "unknown", set()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key.strip() == "model name" and model == "unknown":
                    model = value.strip()
                elif key.strip() == "flags":
                    flags = set(value.split())
                    break
    except OSError:
        pass
    return {"model": model, "flags": {flag: flag in flags for flag in RELEVANT_CPU_FLAGS}}


def microseconds_per_add(lib, requires_grad, number, repeats):
    """Best of `repeats` timings of `number` adds; the best run is the least disturbed."""
    a = lib.randn(8, requires_grad=requires_grad)
    b = lib.randn(8, requires_grad=requires_grad)
    for _ in range(1000):  # warm-up
        a + b
    times = timeit.repeat(lambda: a + b, number=number, repeat=repeats)
    return min(times) / number * 1e6


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--number", type=int, default=100_000, help="adds per timing")
    parser.add_argument("--repeats", type=int, default=5, help="timings, the best is kept")
    args = parser.parse_args()

    libraries = {"deepseek": deepseek}
    try:
        import torch
        libraries["torch"] = torch
    except ImportError:
        pass

    results = []
    for name, lib in libraries.items():
        for requires_grad in (False, True):
            us = microseconds_per_add(lib, requires_grad, args.number, args.repeats)
            results.append({
                "library": name,
                "version": getattr(lib, "__version__", "unknown"),
                "op": "add float32[8] + float32[8]",
                "requires_grad": requires_grad,
                "us_per_op": round(us, 3),
            })

    cpu = cpu_info()
    flag_text = " ".join(f"{k}={'yes' if v else 'no'}" for k, v in cpu["flags"].items())
    print(f"CPU: {cpu['model']}  [{flag_text}]")
    print(f"python {platform.python_version()}, best of {args.repeats} x {args.number} calls")
    print()
    print(f"{'library':<10} {'version':<16} {'requires_grad':<14} {'us/op':>8}")
    print("-" * 51)
    for r in results:
        print(f"{r['library']:<10} {r['version']:<16} {str(r['requires_grad']):<14} "
              f"{r['us_per_op']:>8.3f}")
    print()
    print("--- JSON ---")
    print(json.dumps({"context": {"cpu_model": cpu["model"], "cpu_flags": cpu["flags"],
                                  "python": platform.python_version(),
                                  "number": args.number, "repeats": args.repeats},
                      "benchmarks": results}, indent=2))


if __name__ == "__main__":
    main()
