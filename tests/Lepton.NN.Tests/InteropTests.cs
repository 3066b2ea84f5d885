using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.NN.Layers;
using Lepton.NN.Serialization;
using Lepton.NN.Tests.Support;

namespace Lepton.NN.Tests;

/// <summary>
/// PyTorch interop both ways on fixtures from tools/fixtures/nn_interop.py: weights written by PyTorch give
/// the same logits in Lepton, and the weights Lepton writes (byte-identical to the committed fixture that
/// PyTorch read) give the logits PyTorch computed. Max |logit diff| ≤ 1e-4.
/// </summary>
public class InteropTests
{
    private const double Tolerance = 1e-4;
    private static readonly System.Text.Json.Nodes.JsonObject Json = Fixtures.Json("interop/interop.json");

    [Fact]
    public void PyTorchReferenceCnnWeightsGiveTheSameLogits()
    {
        var model = InteropModels.Cnn();
        ModelFile.LoadWeights(model, SafetensorsReader.Read(Fixtures.PathOf("interop/torch_cnn.safetensors")));
        model.Eval();
        using var _ = new NoGrad();
        var logits = model.Forward(Fixtures.Tensor(Json["input"]));
        Assert.InRange(Close.MaxAbsDiff(Fixtures.Tensor(Json["torch_cnn_logits"]), logits), 0, Tolerance);
    }

    [Fact]
    public void PyTorchBatchNormModelWithMovedRunningStatsGivesTheSameLogits()
    {
        var weights = SafetensorsReader.Read(Fixtures.PathOf("interop/torch_small_bn.safetensors"));
        Assert.Equal("I64", weights.StoredDTypes["1.num_batches_tracked"]);
        var model = InteropModels.SmallBn();
        ModelFile.LoadWeights(model, weights);
        Assert.Equal(3, ((BatchNorm2d)model[1]).NumBatchesTracked);
        model.Eval();
        using var _ = new NoGrad();
        var logits = model.Forward(Fixtures.Tensor(Json["small_bn_input"]));
        Assert.InRange(Close.MaxAbsDiff(Fixtures.Tensor(Json["torch_small_bn_logits"]), logits), 0, Tolerance);
    }

    [Fact]
    public void LeptonWrittenWeightsAreTheCommittedFixtureAndPyTorchGetsTheSameLogits()
    {
        var model = InteropModels.LeptonCnnBn();
        var bytes = InteropModels.SavedWeightBytes(model);
        var committed = Fixtures.PathOf("interop/lepton_cnn_bn.safetensors");
        if (Environment.GetEnvironmentVariable("LEPTON_UPDATE_FIXTURES") == "1") File.WriteAllBytes(committed, bytes);
        Assert.True(File.ReadAllBytes(committed).AsSpan().SequenceEqual(bytes),
            "Lepton now writes different bytes than the committed lepton_cnn_bn.safetensors; if intended, regenerate with LEPTON_UPDATE_FIXTURES=1 and rerun tools/fixtures/nn_interop.py.");
        model.Eval();
        using var _ = new NoGrad();
        var logits = model.Forward(Fixtures.Tensor(Json["input"]));
        Assert.InRange(Close.MaxAbsDiff(Fixtures.Tensor(Json["lepton_cnn_bn_logits_by_torch"]), logits), 0, Tolerance);
    }
}

/// <summary>The interop models, layer for layer the torch.nn.Sequential of tools/fixtures/nn_interop.py.</summary>
internal static class InteropModels
{
    public static Sequential Cnn() => new(
        new Conv2d(1, 32, 3, new Conv2dOptions(Padding: 1)), new ReLU(), new MaxPool2d(2),
        new Conv2d(32, 64, 3, new Conv2dOptions(Padding: 1)), new ReLU(), new MaxPool2d(2),
        new Flatten(), new Linear(3136, 128), new ReLU(), new Linear(128, 10));

    public static Sequential SmallBn() => new(
        new Conv2d(1, 4, 3, new Conv2dOptions(Padding: 1)), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2), new Flatten(),
        new Linear(64, 8), new BatchNorm1d(8), new ReLU(), new Linear(8, 3));

    /// <summary>
    /// cnn-bn from a fixed seed, with batch-norm parameters and running statistics set from the generator
    /// (not from a training pass) so the bytes depend only on the generator, not on kernel rounding.
    /// </summary>
    public static Sequential LeptonCnnBn()
    {
        var g = new Generator(42);
        var model = new Sequential(
            new Conv2d(1, 32, 3, new Conv2dOptions(Padding: 1), g), new BatchNorm2d(32), new ReLU(), new MaxPool2d(2),
            new Conv2d(32, 64, 3, new Conv2dOptions(Padding: 1), g), new BatchNorm2d(64), new ReLU(), new MaxPool2d(2),
            new Flatten(), new Linear(3136, 128, rng: g), new ReLU(), new Dropout(0.5, g), new Linear(128, 10, rng: g));
        var state = new Dictionary<string, Tensor>();
        foreach (var (prefix, c) in new[] { ("1.", 32), ("5.", 64) })
        {
            state[prefix + "weight"] = Tensor.Randn(new Shape(c), g, 1.0, 0.1);
            state[prefix + "bias"] = Tensor.Randn(new Shape(c), g, 0.0, 0.1);
            state[prefix + "running_mean"] = Tensor.Randn(new Shape(c), g, 0.0, 0.1);
            state[prefix + "running_var"] = Tensor.Rand(new Shape(c), g, 0.5, 1.5);
            state[prefix + "num_batches_tracked"] = Tensor.Scalar(7, DType.Int32);
        }
        model.LoadStateDict(state, strict: false);
        return model;
    }

    /// <summary>The weights.safetensors bytes that ModelFile.Save writes for a model.</summary>
    public static byte[] SavedWeightBytes(Sequential model)
    {
        var dir = Path.Combine(Path.GetTempPath(), "lepton-nn-tests", Guid.NewGuid().ToString("N"));
        try
        {
            ModelFile.Save(dir, model, new ModelSpec { Input = new InputSpec("image", [-1, 1, 28, 28]) });
            return File.ReadAllBytes(Path.Combine(dir, ModelFile.WeightsFileName));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
