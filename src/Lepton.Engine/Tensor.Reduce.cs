using Lepton.Engine.Autograd;
using Lepton.Engine.Kernels;

namespace Lepton.Engine;

public sealed partial class Tensor
{
    private int[] NormalizeAxes(int[]? axes)
    {
        if (axes is null || axes.Length == 0) return Enumerable.Range(0, Rank).ToArray();
        var r = axes.Select(a => Shape.Normalize(a)).Distinct().OrderBy(a => a).ToArray();
        if (r.Length != axes.Length) throw new ArgumentException($"Repeated axis in {Shape.Format(axes)}.");
        return r;
    }

    private int[] ReducedShape(int[] axes, bool keepDim)
    {
        var dims = new List<int>();
        for (int i = 0; i < Rank; i++)
        {
            if (Array.IndexOf(axes, i) >= 0) { if (keepDim) dims.Add(1); }
            else dims.Add(Shape[i]);
        }
        return dims.ToArray();
    }

    // Moves the reduced axes last, makes the data dense and reduces each row.
    private Tensor ReduceRaw(int[] axes, bool keepDim, ReduceKind kind)
    {
        RequireFloat(kind switch { ReduceKind.ArgMax => "Argmax", ReduceKind.ArgMin => "Argmin", _ => kind.ToString() }); // the public method's name
        if (kind == ReduceKind.Sum && IsLeadingPrefix(axes) && IsContiguous) return SumLeadingAxes(axes.Length, keepDim);
        var kept = Enumerable.Range(0, Rank).Where(i => Array.IndexOf(axes, i) < 0).ToArray();
        var perm = kept.Concat(axes).ToArray();
        Tensor dense;
        using (new NoGrad()) dense = Permute(perm).Contiguous();
        int len = 1;
        foreach (var a in axes) len *= Shape[a];
        int rows = len == 0 ? 0 : Numel / len;
        var outShape = new Shape(ReducedShape(axes, keepDim));
        if (len == 0 && kind == ReduceKind.Sum) return Zeros(outShape, DType);
        var dt = kind is ReduceKind.ArgMax or ReduceKind.ArgMin ? DType.Int32 : DType;
        var r = Empty(outShape, DType);
        if (DType == DType.Float32) Reduce.Rows(dense.Storage.As<float>(), dense.Offset, rows, len, r.Storage.As<float>(), kind);
        else Reduce.Rows(dense.Storage.As<double>(), dense.Offset, rows, len, r.Storage.As<double>(), kind);
        return dt == DType ? r : r.To(dt);
    }

    // True for axes 0..k-1 with at least one axis left over (sorted and distinct, as NormalizeAxes gives them).
    private bool IsLeadingPrefix(int[] axes) => axes.Length > 0 && axes.Length < Rank && axes[^1] == axes.Length - 1;

    // The sum over the first `count` axes of a dense tensor (a batch axis, as in a bias gradient) as column sums of a
    // (rows, cols) matrix: one pass over the data in memory order, without the transposed copy ReduceRaw would make.
    private Tensor SumLeadingAxes(int count, bool keepDim)
    {
        int rows = 1, cols = 1;
        for (int i = 0; i < Rank; i++)
            if (i < count) rows *= Shape[i];
            else cols *= Shape[i];
        var outShape = new Shape(ReducedShape(Enumerable.Range(0, count).ToArray(), keepDim));
        var r = Empty(outShape, DType);
        if (DType == DType.Float32) VectorMath.SumColumns(Storage.As<float>().AsSpan(Offset, rows * cols), rows, cols, r.Span<float>());
        else VectorMath.SumColumns(Storage.As<double>().AsSpan(Offset, rows * cols), rows, cols, r.Span<double>());
        return r;
    }

    /// <summary>Sum over the given axes (all when none).</summary>
    public Tensor Sum(int[]? axes = null, bool keepDim = false)
    {
        var ax = NormalizeAxes(axes);
        var r = ReduceRaw(ax, keepDim, ReduceKind.Sum);
        var inShape = Shape;
        var keptShape = ReducedShape(ax, true);
        return Tape.Record(r, "sum", [this], g => [g.Reshape(keptShape).Expand(inShape.ToArray()).Contiguous()]);
    }

    public Tensor Sum(int axis, bool keepDim = false) => Sum([axis], keepDim);

    public Tensor Mean(int[]? axes = null, bool keepDim = false)
    {
        RequireFloat("Mean");
        var ax = NormalizeAxes(axes);
        int count = 1;
        foreach (var a in ax) count *= Shape[a];
        return Sum(ax, keepDim).Div(count);
    }

    public Tensor Mean(int axis, bool keepDim = false) => Mean([axis], keepDim);

    /// <summary>Variance with Bessel's correction by default (unbiased, like torch.var).</summary>
    public Tensor Var(int[]? axes = null, bool keepDim = false, bool unbiased = true)
    {
        RequireFloat("Var");
        var ax = NormalizeAxes(axes);
        int count = 1;
        foreach (var a in ax) count *= Shape[a];
        var centered = Sub(Mean(ax, keepDim: true));
        return centered.Square().Sum(ax, keepDim).Div(Math.Max(count - (unbiased ? 1 : 0), 1));
    }

    public Tensor Var(int axis, bool keepDim = false, bool unbiased = true) => Var([axis], keepDim, unbiased);

    /// <summary>Max over axes; the gradient is shared equally between tied maxima.</summary>
    public Tensor Max(int[]? axes = null, bool keepDim = false) => Extreme(axes, keepDim, ReduceKind.Max);

    public Tensor Max(int axis, bool keepDim = false) => Max([axis], keepDim);

    public Tensor Min(int[]? axes = null, bool keepDim = false) => Extreme(axes, keepDim, ReduceKind.Min);

    public Tensor Min(int axis, bool keepDim = false) => Min([axis], keepDim);

    private Tensor Extreme(int[]? axes, bool keepDim, ReduceKind kind)
    {
        var ax = NormalizeAxes(axes);
        var r = ReduceRaw(ax, keepDim, kind);
        var x = this;
        var keptShape = ReducedShape(ax, true);
        return Tape.Record(r, kind.ToString().ToLowerInvariant(), [this], g =>
        {
            var mask = x.Eq(r.Reshape(keptShape));
            var ties = mask.Sum(ax, keepDim: true);
            return [g.Reshape(keptShape).Mul(mask).Div(ties)];
        });
    }

    /// <summary>Index of the first maximum along an axis, as an Int32 tensor.</summary>
    public Tensor Argmax(int axis = -1, bool keepDim = false) => ReduceRaw([Shape.Normalize(axis)], keepDim, ReduceKind.ArgMax);

    public Tensor Argmin(int axis = -1, bool keepDim = false) => ReduceRaw([Shape.Normalize(axis)], keepDim, ReduceKind.ArgMin);
}
