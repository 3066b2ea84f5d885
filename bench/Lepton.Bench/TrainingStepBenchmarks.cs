using BenchmarkDotNet.Attributes;
using Lepton.Engine;
using Lepton.NN.Presets;
using Lepton.Training.Optimizers;

namespace Lepton.Bench;

/// <summary>BenchmarkDotNet: one whole training step (forward, cross-entropy, backward, Adam) of a preset at batch 64, planned and recorded.</summary>
[MemoryDiagnoser]
public class TrainingStepBenchmarks
{
    private TrainingStep _step = null!;
    private Tensor _x = null!, _y = null!;

    [Params("cnn", "mlp")]
    public string Preset { get; set; } = "cnn";

    /// <summary>"planned" (what Trainer.Fit runs) or "recorded" (ops recorded and backpropagated).</summary>
    [Params("planned", "recorded")]
    public string Kind { get; set; } = "planned";

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Generator(0);
        var model = ModelPresets.Build(Preset, rng: rng);
        _step = new TrainingStep(model, new Adam(model.Parameters()), recorded: Kind == "recorded");
        _x = Tensor.Randn(new Shape(64, 1, 28, 28), rng);
        var ids = new int[64];
        for (int i = 0; i < ids.Length; i++) ids[i] = i % 10;
        _y = Tensor.FromArray(ids, 64);
    }

    [Benchmark]
    public void Step() => _step.Run(_x, _y);
}
