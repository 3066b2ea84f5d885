using Lepton.Data.Inputs;
using Lepton.Engine;
using Lepton.NN.Serialization;

namespace Lepton.Runtime.Tests;

/// <summary>Offline classification through any IPredictor: the same logits as the network, chunked or not, and clear refusals.</summary>
public sealed class ClassifierPredictionsTests : IDisposable
{
    private readonly TempFolders _folders = new();

    public void Dispose() => _folders.Dispose();

    [Fact]
    public void Logits_EqualTheModelPredictorsForAnyBatchSize_AndTopClassesNameTheClasses()
    {
        var dir = _folders.LeptonModel(new PreprocessingSpec(Scale: 1.0 / 255));
        using var predictor = PredictorLoader.Default.Load(dir);
        var raw = Tensor.Randn(new Shape(7, 2, 4), new Generator(5)).Mul(100.0);
        var expected = new ModelPredictor(ModelFile.Load(dir)).Logits(raw).ToArray();

        Assert.Equal(new Shape(2, 4), predictor.ExampleShape());
        Assert.Equal(expected, predictor.Logits(raw).ToArray());
        Assert.Equal(expected, predictor.Logits(raw, batchSize: 3).ToArray());
        var predictions = predictor.PredictClasses(new InputBatch(raw, [.. Enumerable.Range(0, 7).Select(i => $"x{i}")]), top: 2);
        Assert.Equal(7, predictions.Count);
        Assert.All(predictions, p => Assert.Contains(p.Top[0].Label, new[] { "a", "b", "c" }));
        Assert.Equal(2, predictions[0].Top.Count);
        Assert.Equal(expected.AsSpan(0, 3).ToArray(), predictions[0].Logits);
    }

    [Fact]
    public void APredictorThatIsNotAClassifier_OrTakesAVariableInput_IsRefused()
    {
        var tensors = new FunctionPredictor(new PredictorSignature([new TensorSignature("x", DType.Float32, [2])],
            [new TensorSignature("y", DType.Float32, [2])], OutputKind.Tensors), x => x[0]);
        Assert.Contains("not class logits", Assert.Throws<InvalidOperationException>(() => tensors.Logits(Tensor.Zeros(1, 2))).Message);

        var ids = new FunctionPredictor(new PredictorSignature([new TensorSignature("ids", DType.Int32, [-1], new PaddingRule(0))],
            [new TensorSignature("logits", DType.Float32, [2])], OutputKind.ClassLogits), x => Tensor.Zeros(x.Rows, 2));
        Assert.Contains("one input of fixed shape", Assert.Throws<InvalidOperationException>(() => ids.ExampleShape()).Message);
    }
}
