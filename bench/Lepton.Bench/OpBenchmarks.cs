using BenchmarkDotNet.Attributes;
using Lepton.Engine;
using Lepton.Engine.Memory;
using Lepton.Engine.Threading;
using Lepton.NN.Losses;

namespace Lepton.Bench;

/// <summary>
/// BenchmarkDotNet: the reference CNN's ops at batch 64 through the public Tensor API, forward and forward+backward,
/// each invocation in a pooled scope as a training step runs them (so the allocation column is the op's own objects).
/// </summary>
[MemoryDiagnoser]
public class OpBenchmarks
{
    private readonly TensorPool _pool = new();
    private Tensor _x1 = null!, _w1 = null!, _b1 = null!, _x2 = null!, _w2 = null!, _b2 = null!, _a2 = null!;
    private Tensor _f = null!, _wf = null!, _bf = null!, _logits = null!, _targets = null!;

    /// <summary>CpuParallel.ThreadCount during the run.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Generator(1);
        _x1 = Tensor.Randn(new Shape(64, 1, 28, 28), rng);                           // conv1 input
        _w1 = Tensor.Randn(new Shape(32, 1, 3, 3), rng).RequireGrad();
        _b1 = Tensor.Randn(new Shape(32), rng).RequireGrad();
        _x2 = Tensor.Randn(new Shape(64, 32, 14, 14), rng).RequireGrad();            // conv2 input
        _w2 = Tensor.Randn(new Shape(64, 32, 3, 3), rng).RequireGrad();
        _b2 = Tensor.Randn(new Shape(64), rng).RequireGrad();
        _a2 = Tensor.Randn(new Shape(64, 64, 14, 14), rng).RequireGrad();            // conv2 output, into ReLU + pool
        _f = Tensor.Randn(new Shape(64, 3136), rng).RequireGrad();                   // fc1 input
        _wf = Tensor.Randn(new Shape(128, 3136), rng).RequireGrad();
        _bf = Tensor.Randn(new Shape(128), rng).RequireGrad();
        _logits = Tensor.Randn(new Shape(64, 10), rng).RequireGrad();
        var ids = new int[64];
        for (int i = 0; i < ids.Length; i++) ids[i] = i % 10;
        _targets = Tensor.FromArray(ids, 64);
        CpuParallel.ThreadCount = Threads;
    }

    [Benchmark]
    public void Conv1Forward()
    {
        using var s = _pool.BeginScope();
        _x1.Conv2d(_w1, _b1, padH: 1, padW: 1);
    }

    [Benchmark]
    public void Conv2Forward()
    {
        using var s = _pool.BeginScope();
        _x2.Conv2d(_w2, _b2, padH: 1, padW: 1);
    }

    [Benchmark]
    public void Conv2ForwardBackward()
    {
        using var s = _pool.BeginScope();
        _x2.Conv2d(_w2, _b2, padH: 1, padW: 1).Sum().Backward();
    }

    [Benchmark]
    public void ReluMaxPoolForwardBackward()
    {
        using var s = _pool.BeginScope();
        _a2.ReluMaxPool2d(2, 2, 2, 2).Sum().Backward();
    }

    [Benchmark]
    public void LinearForwardBackward()
    {
        using var s = _pool.BeginScope();
        _f.Linear(_wf, _bf).Sum().Backward();
    }

    [Benchmark]
    public void CrossEntropyForwardBackward()
    {
        using var s = _pool.BeginScope();
        CrossEntropyLoss.Apply(_logits, _targets).Backward();
    }
}
