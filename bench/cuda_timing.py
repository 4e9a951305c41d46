"""The GPU benchmarks' timing of a PyTorch function (bench/bench_cuda_*.sh,
run on the GPU machine): one warm-up call, then the median of `n` calls
timed by CUDA events, in ms."""
import torch


def median_ms(fn, n):
    start = torch.cuda.Event(enable_timing=True)
    end = torch.cuda.Event(enable_timing=True)
    fn()
    torch.cuda.synchronize()
    ms = []
    for _ in range(n):
        start.record()
        fn()
        end.record()
        end.synchronize()
        ms.append(start.elapsed_time(end))
    return sorted(ms)[n // 2]
