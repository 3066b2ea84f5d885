using Lepton.Engine.Autograd;
using Lepton.Engine.Kernels;

namespace Lepton.Engine;

public sealed partial class Tensor
{
    /// <summary>A dense row-major tensor with the same values (this tensor itself when already dense).</summary>
    public Tensor Contiguous()
    {
        if (IsContiguous) return this;
        var r = Empty(Shape, DType);
        var gather = new GatherViewAction(this, r);
        DTypeSwitch.Run(DType, ref gather);
        return Tape.Record(r, "contiguous", [this], g => [g]);
    }

    /// <summary>The same elements in a new shape; one dimension may be -1 (inferred). Copies only when the view is not dense.</summary>
    public Tensor Reshape(params int[] shape)
    {
        var dims = (int[])shape.Clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] == -1)
            {
                if (infer >= 0) throw new ArgumentException($"Reshape {Shape.Format(shape)}: only one dimension can be -1.");
                infer = i;
            }
            else known *= dims[i];
        }
        if (infer >= 0)
        {
            if (known == 0 || Numel % known != 0)
                throw new ArgumentException($"Reshape: cannot reshape {Shape} ({Numel} elements) into {Shape.Format(shape)}.");
            dims[infer] = (int)(Numel / known);
        }
        var ns = new Shape(dims);
        if (ns.Numel != Numel)
            throw new ArgumentException($"Reshape: cannot reshape {Shape} ({Numel} elements) into {ns} ({ns.Numel} elements).");
        var src = Contiguous();
        var r = new Tensor(src.Storage, ns, ns.ContiguousStrides(), src.Offset);
        var from = Shape;
        return Tape.Record(r, "reshape", [src], g => [g.Reshape(from.ToArray())]);
    }

    public Tensor View(params int[] shape) => Reshape(shape);

    /// <summary>Flattens dimensions startDim..endDim into one.</summary>
    public Tensor Flatten(int startDim = 0, int endDim = -1)
    {
        if (Rank == 0) return Reshape(1);
        int s = Shape.Normalize(startDim), e = Shape.Normalize(endDim);
        var dims = new List<int>();
        for (int i = 0; i < s; i++) dims.Add(Shape[i]);
        int m = 1;
        for (int i = s; i <= e; i++) m *= Shape[i];
        dims.Add(m);
        for (int i = e + 1; i < Rank; i++) dims.Add(Shape[i]);
        return Reshape(dims.ToArray());
    }

    /// <summary>Reorders dimensions (a view).</summary>
    public Tensor Permute(params int[] axes)
    {
        if (axes.Length != Rank)
            throw new ArgumentException($"Permute: {axes.Length} axes given for a tensor of shape {Shape} (rank {Rank}).");
        var dims = new int[Rank];
        var strides = new int[Rank];
        var seen = new bool[Rank];
        var inverse = new int[Rank];
        for (int i = 0; i < Rank; i++)
        {
            int a = Shape.Normalize(axes[i]);
            if (seen[a]) throw new ArgumentException($"Permute: axis {a} repeated in {Shape.Format(axes)}.");
            seen[a] = true;
            dims[i] = Shape[a];
            strides[i] = Strides[a];
            inverse[a] = i;
        }
        var r = new Tensor(Storage, new Shape(dims), strides, Offset);
        return Tape.Record(r, "permute", [this], g => [g.Permute(inverse)]);
    }

    /// <summary>Swaps two dimensions (a view).</summary>
    public Tensor Transpose(int dim0 = -2, int dim1 = -1)
    {
        var axes = Enumerable.Range(0, Rank).ToArray();
        int a = Shape.Normalize(dim0), b = Shape.Normalize(dim1);
        (axes[a], axes[b]) = (axes[b], axes[a]);
        return Permute(axes);
    }

    /// <summary>Matrix transpose of the last two dimensions.</summary>
    public Tensor T => Transpose(-2, -1);

    /// <summary>Elements start..end (exclusive) with a step along one axis (a view).</summary>
    public Tensor Slice(int axis, int start, int end, int step = 1)
    {
        int a = Shape.Normalize(axis);
        int n = Shape[a];
        if (start < 0) start += n;
        if (end < 0) end += n;
        start = Math.Clamp(start, 0, n);
        end = Math.Clamp(end, start, n);
        if (step <= 0) throw new ArgumentException("Slice step must be positive.");
        int len = (end - start + step - 1) / step;
        var dims = Shape.ToArray();
        dims[a] = len;
        var strides = (int[])Strides.Clone();
        strides[a] *= step;
        var r = new Tensor(Storage, new Shape(dims), strides, Offset + start * Strides[a]);
        var inShape = Shape;
        var dt = DType;
        return Tape.Record(r, "slice", [this], g =>
        {
            var full = Zeros(inShape, dt);
            full.Slice(a, start, end, step).CopyFrom(g);
            return [full];
        });
    }

    /// <summary>Index one position along an axis, dropping that axis (a view).</summary>
    public Tensor Select(int axis, int index)
    {
        int a = Shape.Normalize(axis);
        if (index < 0) index += Shape[a];
        if ((uint)index >= (uint)Shape[a])
            throw new IndexOutOfRangeException($"Select: index {index} out of range for axis {a} of shape {Shape}.");
        return Slice(a, index, index + 1).Squeeze(a);
    }

    /// <summary>Inserts a dimension of size 1.</summary>
    public Tensor Unsqueeze(int axis)
    {
        int a = axis < 0 ? axis + Rank + 1 : axis;
        if (a < 0 || a > Rank) throw new ArgumentOutOfRangeException(nameof(axis), $"Unsqueeze axis {axis} out of range for shape {Shape}.");
        var dims = Shape.ToArray().ToList();
        dims.Insert(a, 1);
        return Reshape(dims.ToArray());
    }

    /// <summary>Removes one size-1 dimension (or all of them when axis is null).</summary>
    public Tensor Squeeze(int? axis = null)
    {
        var dims = Shape.ToArray().ToList();
        if (axis is int ax)
        {
            int a = Shape.Normalize(ax);
            if (dims[a] != 1) return this;
            dims.RemoveAt(a);
        }
        else dims.RemoveAll(d => d == 1);
        if (IsContiguous) return Reshape(dims.ToArray());
        // Keep it a view: drop the size-1 axes from the strides too.
        var keptStrides = new List<int>();
        var keptDims = new List<int>();
        for (int i = 0; i < Rank; i++)
        {
            bool drop = axis is int ax2 ? i == Shape.Normalize(ax2) : Shape[i] == 1;
            if (drop) continue;
            keptDims.Add(Shape[i]);
            keptStrides.Add(Strides[i]);
        }
        var r = new Tensor(Storage, new Shape(keptDims.ToArray()), keptStrides.ToArray(), Offset);
        var from = Shape;
        return Tape.Record(r, "squeeze", [this], g => [g.Reshape(from.ToArray())]);
    }

    /// <summary>Broadcasts size-1 dimensions to a larger shape without copying (stride 0).</summary>
    public Tensor Expand(params int[] shape)
    {
        var target = new Shape(shape);
        if (target.Rank < Rank) throw new ArgumentException($"Expand: cannot expand {Shape} to fewer dimensions {target}.");
        int lead = target.Rank - Rank;
        var strides = new int[target.Rank];
        for (int i = 0; i < target.Rank; i++)
        {
            if (i < lead) { strides[i] = 0; continue; }
            int d = Shape[i - lead];
            if (d == target[i]) strides[i] = Strides[i - lead];
            else if (d == 1) strides[i] = 0;
            else throw new ArgumentException($"Expand: dimension {i - lead} of {Shape} is {d}, cannot expand to {target}.");
        }
        var r = new Tensor(Storage, target, strides, Offset);
        var from = Shape;
        return Tape.Record(r, "expand", [this], g => [g.SumTo(from)]);
    }

    public Tensor ExpandAs(Tensor other) => Expand(other.Shape.ToArray());

    /// <summary>Writes the values of <paramref name="src"/> (broadcast to this shape) into this tensor in place. Not differentiable.</summary>
    public void CopyFrom(Tensor src)
    {
        Storage.ThrowIfReadOnly("CopyFrom");
        var s = src.Shape == Shape ? src : src.Expand(Shape.ToArray());
        if (s.DType != DType) s = s.To(DType);
        var dense = s.Contiguous();
        if (IsContiguous)
        {
            Array.Copy(dense.Storage.Data, dense.Offset, Storage.Data, Offset, Numel);
            return;
        }
        var scatter = new ScatterViewAction(dense, this);
        DTypeSwitch.Run(DType, ref scatter);
    }

    // The strided view `view` copied into the dense tensor `dense`, for any element type.
    private readonly struct GatherViewAction(Tensor view, Tensor dense) : IDTypeAction
    {
        public void Run<T>() where T : unmanaged =>
            StridedCopy.Run(view.Storage.As<T>(), view.Offset, view.Shape.Dims, view.Strides, dense.Span<T>());
    }

    // The dense tensor `dense` written into the strided view `view`, for any element type.
    private readonly struct ScatterViewAction(Tensor dense, Tensor view) : IDTypeAction
    {
        public void Run<T>() where T : unmanaged =>
            StridedCopy.Scatter(dense.Span<T>(), view.Storage.As<T>(), view.Offset, view.Shape.Dims, view.Strides);
    }

    /// <summary>Sums a broadcast gradient back down to <paramref name="shape"/> (the reverse of broadcasting).</summary>
    public Tensor SumTo(Shape shape)
    {
        if (Shape == shape) return this;
        int lead = Rank - shape.Rank;
        if (lead < 0) throw new ArgumentException($"SumTo: cannot reduce {Shape} to larger rank {shape}.");
        var axes = new List<int>();
        for (int i = 0; i < Rank; i++)
            if (i < lead || (shape[i - lead] == 1 && Shape[i] != 1)) axes.Add(i);
        var r = axes.Count > 0 ? Sum(axes.ToArray(), keepDim: true) : this;
        return r.Reshape(shape.ToArray());
    }
}
