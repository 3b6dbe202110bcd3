"""deepseek.backends.cpu: what the CPU offers.

get_cpu_capability() names the widest x86 vector instruction set the processor supports,
with torch's names: "AVX512" (AVX-512 F, BW, VL and DQ), "AVX2" (AVX2 and FMA),
"DEFAULT" (anything else, and every non-x86 processor). oneDNN, which runs deepseek's GEMMs and
convolutions, dispatches to this level at run time; deepseek's own loops are compiled for
the DEEPSEEK_CPU_BASELINE set at build time (x86-64-v3, AVX2, by default).
"""
import platform

__all__ = ["get_cpu_capability"]

_AVX512 = {"avx512f", "avx512bw", "avx512vl", "avx512dq"}
_AVX2 = {"avx2", "fma"}


def _cpu_flags():
    """The processor's feature flags from /proc/cpuinfo (empty where there is none)."""
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.partition(":")[2].split())
    except OSError:
        pass
    return set()


def get_cpu_capability():
    if platform.machine().lower() not in ("x86_64", "amd64", "i386", "i686"):
        return "DEFAULT"
    flags = _cpu_flags()
    if _AVX512 <= flags:
        return "AVX512"
    if _AVX2 <= flags:
        return "AVX2"
    return "DEFAULT"
