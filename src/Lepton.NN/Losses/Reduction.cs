using Lepton.Engine;

namespace Lepton.NN.Losses;

/// <summary>How per-element losses become the result: their mean, their sum, or the unreduced tensor.</summary>
public enum Reduction { Mean, Sum, None }

/// <summary>A loss function from predictions and targets to a tensor (a scalar unless Reduction.None).</summary>
public interface ILoss
{
    string Name { get; }

    Tensor Compute(Tensor prediction, Tensor target);
}

internal static class LossChecks
{
    public static Tensor Reduce(Tensor perElement, Reduction r) => r switch
    {
        Reduction.Mean => perElement.Mean(),
        Reduction.Sum => perElement.Sum(),
        _ => perElement,
    };

    /// <summary>Regression and BCE losses need a float target of the prediction's shape.</summary>
    public static Tensor SameShapeTarget(string loss, Tensor prediction, Tensor target)
    {
        if (prediction.Shape != target.Shape)
            throw new ArgumentException($"{loss}: prediction {prediction.Shape} and target {target.Shape} must have the same shape.");
        if (!prediction.DType.IsFloat())
            throw new ArgumentException($"{loss}: prediction must be a float tensor, got {prediction.DType}.");
        return target.DType == prediction.DType ? target : target.To(prediction.DType);
    }
}
