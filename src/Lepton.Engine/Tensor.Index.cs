using System.Numerics;
using Lepton.Engine.Autograd;
using Lepton.Engine.Kernels;

namespace Lepton.Engine;

public sealed partial class Tensor
{
    /// <summary>Concatenates along an existing axis.</summary>
    public static Tensor Concat(IReadOnlyList<Tensor> tensors, int axis = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0) throw new ArgumentException("Concat needs at least one tensor, got an empty list.");
        var first = tensors[0];
        if (first.Rank == 0) throw new ArgumentException("Concat cannot join 0-d tensors; use Stack to add an axis.");
        int a = first.Shape.Normalize(axis);
        var dims = first.Shape.ToArray();
        int total = 0;
        for (int k = 0; k < tensors.Count; k++)
        {
            var t = tensors[k];
            bool same = t.Rank == first.Rank && t.DType == first.DType;
            for (int d = 0; same && d < t.Rank; d++) same = d == a || t.Shape[d] == dims[d];
            if (!same)
                throw new ArgumentException($"Concat along axis {a}: tensor {k} is {t.DType} {t.Shape} but tensor 0 is {first.DType} {first.Shape}; " +
                    "all must share dtype, rank and every dimension except the concatenation axis.");
            total += t.Shape[a];
        }
        dims[a] = total;
        var r = Empty(new Shape(dims), first.DType);
        int outer = 1, inner = 1;
        for (int d = 0; d < a; d++) outer *= dims[d];
        for (int d = a + 1; d < dims.Length; d++) inner *= dims[d];
        var starts = NewBuffer<int>(tensors.Count, zeroed: true, out var startsStorage);
        int start = 0;
        for (int k = 0; k < tensors.Count; k++)
        {
            var src = tensors[k].DenseData();
            int block = src.Shape[a] * inner;
            starts[k] = start;
            for (int o = 0; o < outer; o++)
                Array.Copy(src.Storage.Data, src.Offset + o * block, r.Storage.Data, (o * total + start) * inner, block);
            start += src.Shape[a];
        }
        var inputs = tensors.ToArray();
        return Tape.Record(r, "concat", inputs, g =>
        {
            var grads = new Tensor?[inputs.Length];
            for (int k = 0; k < inputs.Length; k++)
                if (inputs[k].RequiresGrad) grads[k] = g.Slice(a, starts[k], starts[k] + inputs[k].Shape[a]);
            return grads;
        });
    }

    /// <summary>Stacks along a new axis.</summary>
    public static Tensor Stack(IReadOnlyList<Tensor> tensors, int axis = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0) throw new ArgumentException("Stack needs at least one tensor, got an empty list.");
        var first = tensors[0];
        int a = axis < 0 ? axis + first.Rank + 1 : axis;
        if (a < 0 || a > first.Rank)
            throw new ArgumentOutOfRangeException(nameof(axis), $"Stack: axis {axis} is out of range for tensors of shape {first.Shape} (use -{first.Rank + 1}..{first.Rank}).");
        for (int k = 1; k < tensors.Count; k++)
            if (tensors[k].Shape != first.Shape)
                throw new ArgumentException($"Stack: tensor {k} has shape {tensors[k].Shape} but tensor 0 has {first.Shape}; all must have the same shape.");
        return Concat(tensors.Select(t => t.Unsqueeze(a)).ToArray(), a);
    }

    /// <summary>Picks entries along an axis: out[i][j] = x[i][index[i][j]] for axis 1 (torch.gather). index: Int32, same rank.</summary>
    public Tensor Gather(int axis, Tensor index)
    {
        ArgumentNullException.ThrowIfNull(index);
        if (index.DType != DType.Int32)
            throw new ArgumentException($"Gather expects an Int32 index, got {index.DType}; convert it with To(DType.Int32).");
        if (index.Rank != Rank)
            throw new ArgumentException($"Gather: index {index.Shape} must have the same rank as the input {Shape}.");
        int a = Rank == 0 ? 0 : Shape.Normalize(axis);
        for (int d = 0; d < Rank; d++)
            if (d != a && index.Shape[d] > Shape[d])
                throw new ArgumentException($"Gather: index {index.Shape} is larger than the input {Shape} at dimension {d}; it may only be larger along axis {a}.");
        var idx = index.DenseData().Span<int>().ToArray();
        int size = Rank == 0 ? 1 : Shape[a];
        foreach (var v in idx)
            if ((uint)v >= (uint)size)
                throw new IndexOutOfRangeException($"Gather: index {v} is out of range for axis {a} of size {size} (input {Shape}); indices must be in [0, {size}).");
        var y = Empty(index.Shape, DType);
        var gather = new GatherAction(this, idx, a, y);
        DTypeSwitch.Run(DType, ref gather);
        var inShape = Shape;
        return Tape.Record(y, "gather", [this], g => [DType == DType.Float32
            ? GatherBackward<float>(g.DenseData(), idx, index.Shape, a, inShape)
            : GatherBackward<double>(g.DenseData(), idx, index.Shape, a, inShape)]);
    }

    // Gather copies values, so it works on every dtype (only its backward needs a float type).
    private readonly struct GatherAction(Tensor x, int[] idx, int axis, Tensor y) : IDTypeAction
    {
        public void Run<T>() where T : unmanaged =>
            IndexKernels.Gather(x.Data<T>(), x.Offset, x.Strides, idx, y.Shape.Dims, axis, y.Data<T>());
    }

    private static Tensor GatherBackward<T>(Tensor g, int[] idx, Shape indexShape, int axis, Shape inShape) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var gx = NewBuffer<T>(inShape.Size, zeroed: true, out var gxStorage);
        IndexKernels.GatherBackward(g.Data<T>(), g.Offset, idx, indexShape.Dims, axis, inShape.Dims, gx);
        return new Tensor(gxStorage, inShape);
    }

    /// <summary>Selects whole slices along an axis by Int32 indices (torch.index_select).</summary>
    public Tensor IndexSelect(int axis, Tensor index)
    {
        ArgumentNullException.ThrowIfNull(index);
        if (index.DType != DType.Int32 || index.Rank > 1)
            throw new ArgumentException($"IndexSelect expects a 1-D Int32 index, got {index.DType} {index.Shape}; flatten it or convert it with To(DType.Int32).");
        if (Rank == 0) throw new ArgumentException("IndexSelect needs a tensor of rank >= 1, got a 0-d tensor.");
        int a = Shape.Normalize(axis);
        var ids = CheckedIndices(index, Shape[a], id =>
            $"IndexSelect: index {id} is out of range for axis {a} of size {Shape[a]} (input {Shape}); indices must be in [0, {Shape[a]}).");
        var dims = Shape.ToArray();
        dims[a] = ids.Length;
        return SelectRowsOp("index_select", ids, a, new Shape(dims));
    }

    /// <summary>Embedding lookup: this is the table (V,D), ids Int32 of any shape → (..., D).</summary>
    public Tensor Embedding(Tensor ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (Rank != 2) throw new ArgumentException($"Embedding expects a table (V,D), got {Shape}.");
        if (ids.DType != DType.Int32)
            throw new ArgumentException($"Embedding expects Int32 ids, got {ids.DType}; convert them with To(DType.Int32).");
        int v = Shape[0];
        var rows = CheckedIndices(ids, v, id =>
            $"Embedding: id {id} is out of range for a table of V={v} rows (ids must be in [0, {v})); check the vocabulary size or the tokenizer.");
        var dims = ids.Shape.ToArray().Append(Shape[1]).ToArray();
        return SelectRowsOp("embedding", rows, 0, new Shape(dims));
    }

    private static int[] CheckedIndices(Tensor index, int size, Func<int, string> error)
    {
        var ids = index.DenseData().Span<int>().ToArray();
        foreach (var id in ids)
            if ((uint)id >= (uint)size) throw new IndexOutOfRangeException(error(id));
        return ids;
    }

    // y = the slices ids[k] of this tensor along axis, laid out as outShape; backward scatter-adds.
    private Tensor SelectRowsOp(string op, int[] ids, int axis, Shape outShape)
    {
        int outer = 1, inner = 1, len = Shape[axis];
        for (int d = 0; d < axis; d++) outer *= Shape[d];
        for (int d = axis + 1; d < Rank; d++) inner *= Shape[d];
        var x = DenseData();
        var y = Empty(outShape, DType);
        IndexKernels.SelectRows(x.Storage.Data, x.Offset, outer, len, inner, ids, y.Storage.Data);
        var inShape = Shape;
        return Tape.Record(y, op, [this], g => [DType == DType.Float32
            ? SelectRowsBackward<float>(g.DenseData(), outer, len, inner, ids, inShape)
            : SelectRowsBackward<double>(g.DenseData(), outer, len, inner, ids, inShape)]);
    }

    private static Tensor SelectRowsBackward<T>(Tensor g, int outer, int len, int inner, int[] ids, Shape inShape) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var gx = NewBuffer<T>(inShape.Size, zeroed: true, out var gxStorage);
        IndexKernels.SelectRowsBackward(g.Data<T>(), g.Offset, outer, len, inner, ids, gx);
        return new Tensor(gxStorage, inShape);
    }
}
