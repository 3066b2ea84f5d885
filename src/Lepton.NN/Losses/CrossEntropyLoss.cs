using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.Engine.Kernels;

namespace Lepton.NN.Losses;

/// <summary>Options of <see cref="CrossEntropyLoss"/>: per-class weights (C), label smoothing in [0, 1), reduction.</summary>
public sealed record CrossEntropyOptions(Tensor? Weight = null, double LabelSmoothing = 0.0, Reduction Reduction = Reduction.Mean);

/// <summary>
/// Cross-entropy of logits (N,C) against Int32 class indices (N), with the semantics of
/// torch.nn.functional.cross_entropy: the weighted mean divides by the sum of the targets' weights, and
/// label smoothing mixes in the (weighted) mean over all classes with factor ε/C.
/// </summary>
public sealed class CrossEntropyLoss(CrossEntropyOptions? options = null) : ILoss
{
    public CrossEntropyOptions Options { get; } = Validate(options ?? new CrossEntropyOptions());

    public string Name => "cross_entropy";

    public Tensor Compute(Tensor logits, Tensor targets) => Apply(logits, targets, Options);

    // logits: (N,C), targets: (N) Int32 → scalar, or (N) with Reduction.None
    public static Tensor Apply(Tensor logits, Tensor targets, CrossEntropyOptions? options = null)
    {
        var o = Validate(options ?? new CrossEntropyOptions());
        if (logits.Rank != 2)
            throw new ArgumentException($"CrossEntropy expected logits (N,C), got {logits.Shape}.");
        int n = logits.Shape[0], c = logits.Shape[1];
        if (targets.DType != DType.Int32 || targets.Rank != 1 || targets.Shape[0] != n)
            throw new ArgumentException($"CrossEntropy expected Int32 class indices ({n}) for logits {logits.Shape}, got {targets.DType} {targets.Shape}.");
        var ids = targets.ToIntArray();
        foreach (var id in ids)
            if ((uint)id >= (uint)c)
                throw new ArgumentException($"CrossEntropy: target class {id} is out of range for {c} classes (logits {logits.Shape}).");
        if (o.Weight is { } w0 && (w0.Rank != 1 || w0.Shape[0] != c))
            throw new ArgumentException($"CrossEntropy: class weights must have shape ({c}), got {w0.Shape}.");

        if (o.Weight is null && o.LabelSmoothing == 0 && o.Reduction == Reduction.Mean && logits.DType.IsFloat())
            return FusedMean(logits, ids);

        var logp = logits.LogSoftmax(1);                               // (N,C)
        var picked = logp.Gather(1, targets.Reshape(n, 1)).Reshape(n); // (N)
        Tensor? sampleWeight = o.Weight is { } w ? w.To(logits.DType).IndexSelect(0, targets) : null; // (N)
        var nll = picked.Neg();
        if (sampleWeight is not null) nll = nll.Mul(sampleWeight);
        Tensor? smooth = null;
        if (o.LabelSmoothing > 0)
        {
            var all = o.Weight is { } ww ? logp.Mul(ww.To(logits.DType).Reshape(1, c)) : logp;
            smooth = all.Sum(1).Neg(); // (N)
        }

        Tensor Combine(Tensor nllPart, Tensor? smoothPart) =>
            smoothPart is null ? nllPart : nllPart.Mul(1 - o.LabelSmoothing).Add(smoothPart.Mul(o.LabelSmoothing / c));

        switch (o.Reduction)
        {
            case Reduction.None:
                return Combine(nll, smooth);
            case Reduction.Sum:
                return Combine(nll.Sum(), smooth?.Sum());
            default:
                // PyTorch normalizes a weighted mean by the total weight of the targets, not by N.
                var denom = sampleWeight is null ? Tensor.Scalar(n, logits.DType) : sampleWeight.Sum();
                return Combine(nll.Sum().Div(denom), smooth?.Sum().Div(denom));
        }
    }

    // The default case (mean, no class weights, no smoothing) as one op: a log-softmax + NLL pass forward and a
    // softmax-minus-one-hot pass backward, instead of six recorded ops and their temporaries.
    // logits: (N,C) → scalar
    private static Tensor FusedMean(Tensor logits, int[] ids)
    {
        int n = logits.Shape[0], c = logits.Shape[1];
        var x = logits.DenseData();
        var logp = Tensor.Empty(logits.Shape, logits.DType);
        double total = logits.DType == DType.Float32
            ? SoftmaxKernels.LogSoftmaxNll(x.Data<float>(), x.Offset, n, c, ids, logp.Data<float>())
            : SoftmaxKernels.LogSoftmaxNll(x.Data<double>(), x.Offset, n, c, ids, logp.Data<double>());
        // As torch: the mean of an empty batch is NaN (0 / 0).
        var loss = Tensor.Scalar(total / n, logits.DType);
        return Tape.Record(loss, "cross_entropy", [logits], g =>
        {
            double scale = g.ToDoubleArray()[0] / n;
            var gx = Tensor.Empty(logits.Shape, logits.DType);
            if (logits.DType == DType.Float32)
                SoftmaxKernels.NllSoftmaxBackward(logp.Data<float>(), n, c, ids, (float)scale, gx.Data<float>());
            else
                SoftmaxKernels.NllSoftmaxBackward(logp.Data<double>(), n, c, ids, scale, gx.Data<double>());
            return [gx];
        });
    }

    private static CrossEntropyOptions Validate(CrossEntropyOptions o) =>
        o.LabelSmoothing is < 0 or >= 1 || double.IsNaN(o.LabelSmoothing)
            ? throw new ArgumentException($"CrossEntropy: label smoothing must be in [0, 1), got {o.LabelSmoothing}.")
            : o;
}
