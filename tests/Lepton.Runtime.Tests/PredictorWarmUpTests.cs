using Lepton.Engine;

namespace Lepton.Runtime.Tests;

/// <summary>The default warm-up: classifiers must answer (N, classes); other predictors may answer any declared shape; no NaN.</summary>
public sealed class PredictorWarmUpTests
{
    private static readonly TensorSignature Image = new("image", DType.Float32, [2, 2]);

    [Fact]
    public void AClassifierAnsweringAnotherShape_IsRefused()
    {
        var signature = new PredictorSignature([Image], [new TensorSignature("logits", DType.Float32, [-1])], OutputKind.ClassLogits);
        IPredictor predictor = new FunctionPredictor(signature, x => Tensor.Zeros(x.Rows, 2, 2));
        var error = Assert.Throws<InvalidDataException>(() => predictor.WarmUp(4));
        Assert.Contains("logits (N, classes)", error.Message);
    }

    [Fact]
    public void AClassifierWhoseOutputsDisagreeWithItsClassNames_IsRefused()
    {
        var signature = new PredictorSignature([Image], [new TensorSignature("logits", DType.Float32, [-1])], OutputKind.ClassLogits, ["a", "b", "c"]);
        IPredictor predictor = new FunctionPredictor(signature, x => Tensor.Zeros(x.Rows, 4));
        Assert.Contains("names 3 classes", Assert.Throws<InvalidDataException>(() => predictor.WarmUp(2)).Message);
    }

    [Fact]
    public void APredictorThatIsNotAClassifier_PassesWithItsDeclaredShapes()
    {
        var signature = new PredictorSignature([new TensorSignature("ids", DType.Int32, [-1], new PaddingRule(0))],
            [new TensorSignature("embedding", DType.Float32, [3, 2]), new TensorSignature("count", DType.Int32, [1])], OutputKind.Tensors);
        var seen = new List<Shape>();
        IPredictor predictor = new FunctionPredictor(signature, x =>
        {
            seen.Add(x[0].Shape);
            return new TensorSet([Tensor.Ones(x.Rows, 3, 2), Tensor.Zeros(new Shape(x.Rows, 1), DType.Int32)]);
        });
        predictor.WarmUp(5);
        Assert.Equal(new Shape(5, 1), Assert.Single(seen));
    }

    [Fact]
    public void NaNOutputs_AndAWrongOutputCount_AreRefused()
    {
        var signature = new PredictorSignature([Image], [new TensorSignature("y", DType.Float32, [1])], OutputKind.Tensors);
        IPredictor nan = new FunctionPredictor(signature, x => Tensor.Full(new Shape(x.Rows, 1), double.NaN));
        Assert.Contains("NaN", Assert.Throws<InvalidDataException>(() => nan.WarmUp(2)).Message);
        IPredictor two = new FunctionPredictor(signature, x => new TensorSet([Tensor.Zeros(x.Rows, 1), Tensor.Zeros(x.Rows, 1)]));
        Assert.Contains("declares 1", Assert.Throws<InvalidDataException>(() => two.WarmUp(2)).Message);
    }

    [Fact]
    public void IntegerInputs_WarmUpWithOnes_SoAMaskedMeanHasSomethingToAverage()
    {
        // mean of features over the positions the mask keeps: a mask of zeros would divide by zero.
        var signature = new PredictorSignature(
            [new TensorSignature("features", DType.Float32, [-1], new PaddingRule(0)), new TensorSignature("mask", DType.Int64, [-1], new PaddingRule(0))],
            [new TensorSignature("mean", DType.Float32, [1])], OutputKind.Tensors);
        IPredictor predictor = new FunctionPredictor(signature, x =>
        {
            var mask = x[1].To(DType.Float32);
            return (x[0] * mask).Sum(1, keepDim: true) / mask.Sum(1, keepDim: true);
        });
        predictor.WarmUp(3);

        // A graph made elsewhere may rightly answer NaN for zeros; its warm-up can let that pass and still check the shapes.
        var nan = new FunctionPredictor(signature, x => Tensor.Full(new Shape(x.Rows, 1), double.NaN));
        PredictorWarmUp.Run(nan, 2, requireFinite: false);
        Assert.Contains("NaN", Assert.Throws<InvalidDataException>(() => PredictorWarmUp.Run(nan, 2)).Message);
    }

    [Fact]
    public void AFailingPredict_IsReportedWithTheWarmUpBatch()
    {
        var signature = new PredictorSignature([Image], [new TensorSignature("y", DType.Float32, [1])], OutputKind.Tensors);
        IPredictor failing = new FunctionPredictor(signature, _ => throw new InvalidOperationException("boom"));
        var error = Assert.Throws<InvalidDataException>(() => failing.WarmUp(3));
        Assert.Contains("warm-up with a batch of 3", error.Message);
        Assert.Contains("boom", error.Message);
    }
}
