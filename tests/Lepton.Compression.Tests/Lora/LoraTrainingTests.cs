using Lepton.Compression.Lora;
using Lepton.Compression.Tests.Support;
using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Serialization;
using Lepton.Training;
using Lepton.Training.Callbacks;

namespace Lepton.Compression.Tests.Lora;

/// <summary>LoRA fine-tuning of a trained MLP on a shifted data set: only adapters train, the base stays bit-identical, accuracy recovers.</summary>
public sealed class LoraTrainingTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "lepton-lora-train-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    // Snapshots the base parameters when Fit starts and compares them, bit for bit, when it ends (before the merge).
    private sealed class BaseWatch : ICallback
    {
        private Dictionary<string, float[]> _before = [];

        public bool Unchanged { get; private set; }

        public long OptimizedElements { get; private set; }

        public void OnTrainBegin(TrainContext context)
        {
            _before = context.Model.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
            OptimizedElements = context.Optimizer.Parameters.Sum(p => (long)p.Numel);
        }

        public void OnTrainEnd(TrainContext context, TrainingHistory history) =>
            Unchanged = context.Model.StateDict().All(kv => _before[kv.Key].AsSpan().SequenceEqual(kv.Value.ToArray()));
    }

    [Fact]
    public void Run_ShiftedData_TrainsOnlyAdaptersKeepsBaseBitsAndRecoversAccuracy()
    {
        string baseDir = ShiftedBlobs.TrainBase(Path.Combine(_dir, "base"));
        string data = ShiftedBlobs.Write(Path.Combine(_dir, "shifted"), shifted: true, seed: 11);
        var watch = new BaseWatch();
        var recipe = new LoraRecipe(baseDir, data, new LoraOptions(4, 8), Epochs: 12, BatchSize: 32, LearningRate: 0.02, Seed: 5);
        string outDir = Path.Combine(_dir, "adapted");

        var outcome = LoraTraining.Run(recipe, outDir, [watch]);

        // rank 4 on Linear(8→32) and Linear(32→3): 4·(8+32) + 4·(32+3)
        Assert.Equal(4 * (8 + 32) + 4 * (32 + 3), outcome.TrainableParameters);
        Assert.Equal(outcome.TrainableParameters, watch.OptimizedElements);
        Assert.Equal(8 * 32 + 32 + 32 * 3 + 3, outcome.FrozenParameters);
        Assert.True(watch.Unchanged, "a base weight changed during LoRA training");
        Assert.True(outcome.BaseMetrics["accuracy"] < 0.6, $"the shift should hurt the base: {outcome.BaseMetrics["accuracy"]}");
        Assert.True(outcome.Metrics["accuracy"] > 0.9, $"adapted accuracy {outcome.Metrics["accuracy"]} (base {outcome.BaseMetrics["accuracy"]})");
        Assert.Contains("adapter", outcome.History.UnplannedReason);
    }

    [Fact]
    public void Run_WritesMergedModelWhoseOutputsEqualTheBaseWithItsAdapter()
    {
        string baseDir = ShiftedBlobs.TrainBase(Path.Combine(_dir, "base"));
        string data = ShiftedBlobs.Write(Path.Combine(_dir, "shifted"), shifted: true, seed: 12);
        string outDir = Path.Combine(_dir, "adapted");
        var outcome = LoraTraining.Run(new LoraRecipe(baseDir, data, new LoraOptions(2, 4), Epochs: 3, BatchSize: 32, LearningRate: 0.02, BaseLabel: "blobs@1"), outDir);

        var merged = ModelFile.Load(outDir);
        var (unmerged, _) = LoraModel.Load(baseDir, outDir);
        var x = ShiftedBlobs.Make(64, shifted: true, new Generator(3)).X;
        var m = merged.Model.Forward(x).ToArray();
        var u = unmerged.Model.Forward(x).ToArray();
        for (int i = 0; i < m.Length; i++) Assert.True(Math.Abs(m[i] - u[i]) <= 1e-5 * Math.Max(1, Math.Abs(u[i])), $"output {i}: merged {m[i]}, unmerged {u[i]}");
        Assert.Equal("blobs@1", merged.Spec.Metadata!["parent_model"]!.GetValue<string>());
        Assert.Equal(outcome.BaseWeightsSha256, merged.Spec.Metadata["lora"]!["base_weights_sha256"]!.GetValue<string>());
        Assert.Equal(outcome.Metrics["accuracy"], merged.Spec.Metrics["test_accuracy"]);
        Assert.Equal(LoraAdapterFile.BaseWeightsHash(baseDir), LoraAdapterFile.ReadInfo(outDir).BaseWeightsSha256);
    }

    [Fact]
    public void Run_DataWithOtherClasses_IsRefusedPointingToANewHead()
    {
        string baseDir = ShiftedBlobs.TrainBase(Path.Combine(_dir, "base"));
        string data = ShiftedBlobs.Write(Path.Combine(_dir, "shifted"), shifted: true, seed: 13);
        File.WriteAllText(Path.Combine(data, "dataset.json"), """{"class_names": ["a", "b", "c"]}""");

        var e = Assert.Throws<ArgumentException>(() => LoraTraining.Run(new LoraRecipe(baseDir, data, new LoraOptions(2, 4), Epochs: 1), Path.Combine(_dir, "out")));

        Assert.Contains("LoRA keeps the base's head", e.Message);
    }
}
