using Lepton.Engine;
using Lepton.Engine.Backends;

namespace Lepton.NN.Planned;

/// <summary>
/// The mean cross-entropy of a planned step's logits (N,C) against class ids (N), forward and gradient with the
/// kernels of CrossEntropyLoss's fused default case (log-softmax + NLL, then softmax minus one-hot).
/// </summary>
internal sealed class PlannedCrossEntropy
{
    private readonly int _n, _c;
    private readonly int[] _ids;
    private readonly Tensor _logp; // (N,C) log-probabilities kept for the backward

    public PlannedCrossEntropy(int n, int c)
    {
        _n = n;
        _c = c;
        _ids = new int[n];
        _logp = PlannedLayer.Buffer(new Shape(n, c));
    }

    /// <summary>The class ids of the last <see cref="Forward"/>.</summary>
    public ReadOnlySpan<int> Targets => _ids;

    // logits: (N,C), targets: (N) Int32 → the mean loss, rounded to float as the recorded loss tensor is
    public float Forward(Tensor logits, Tensor targets)
    {
        if (targets.DType != DType.Int32 || targets.Rank != 1 || targets.Shape[0] != _n)
            throw new ArgumentException($"CrossEntropy expected Int32 class indices ({_n}) for logits ({_n},{_c}), got {targets.DType} {targets.Shape}.");
        targets.DenseData().Span<int>().CopyTo(_ids);
        foreach (var id in _ids)
            if ((uint)id >= (uint)_c)
                throw new ArgumentException($"CrossEntropy: target class {id} is out of range for {_c} classes (logits ({_n},{_c})).");
        double total = Backend.Current.LogSoftmaxNll(logits, _n, _c, _ids, _logp);
        return (float)(total / _n);
    }

    /// <summary>Writes the gradient of the mean loss with respect to the logits into <paramref name="gradient"/> (N,C).</summary>
    public void Backward(Tensor gradient) =>
        Backend.Current.NllSoftmaxBackward(_logp, _n, _c, _ids, (float)(1.0 / _n), gradient);
}
