using BenchmarkDotNet.Attributes;
using Lepton.Engine.Kernels;
using Lepton.Engine.Threading;

namespace Lepton.Bench;

/// <summary>BenchmarkDotNet: square SGEMM at the sizes of the results table, on 1 and 2 threads.</summary>
[MemoryDiagnoser]
public class GemmBenchmarks
{
    private float[] _a = [], _b = [], _c = [];

    /// <summary>M = N = K.</summary>
    [Params(256, 512, 1024, 2048)]
    public int Size { get; set; }

    /// <summary>CpuParallel.ThreadCount during the run.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        _a = new float[Size * Size];
        _b = new float[Size * Size];
        _c = new float[Size * Size];
        for (int i = 0; i < _a.Length; i++) { _a[i] = (float)rng.NextDouble(); _b[i] = (float)rng.NextDouble(); }
        CpuParallel.ThreadCount = Threads;
    }

    [Benchmark]
    public void Sgemm() => Gemm.Sgemm(false, false, Size, Size, Size, 1f, _a, 0, Size, _b, 0, Size, 0f, _c, 0, Size);
}
