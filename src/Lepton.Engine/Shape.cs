namespace Lepton.Engine;

/// <summary>An immutable list of dimension sizes, e.g. (N,C,H,W).</summary>
public sealed class Shape : IEquatable<Shape>
{
    private readonly int[] _dims;

    public Shape(params int[] dims)
    {
        foreach (var d in dims)
            if (d < 0) throw new ArgumentException($"Shape dimensions must be >= 0, got {Format(dims)}.");
        _dims = (int[])dims.Clone();
    }

    public static readonly Shape Scalar = new();

    public int Rank => _dims.Length;

    public int this[int axis] => _dims[Normalize(axis)];

    public long Numel
    {
        get
        {
            long n = 1;
            foreach (var d in _dims) n *= d;
            return n;
        }
    }

    /// <summary>Element count as int; tensors live in one managed array, so they are capped at int.MaxValue.</summary>
    public int Size => checked((int)Numel);

    public int[] ToArray() => (int[])_dims.Clone();

    public ReadOnlySpan<int> Dims => _dims;

    /// <summary>Resolves a negative axis (-1 is the last) and checks the range.</summary>
    public int Normalize(int axis)
    {
        int a = axis < 0 ? axis + _dims.Length : axis;
        if (a < 0 || a >= _dims.Length)
            throw new ArgumentOutOfRangeException(nameof(axis), $"Axis {axis} is out of range for a tensor of shape {this} (rank {Rank}).");
        return a;
    }

    /// <summary>Row-major (C order) strides for this shape.</summary>
    public int[] ContiguousStrides()
    {
        var s = new int[_dims.Length];
        int acc = 1;
        for (int i = _dims.Length - 1; i >= 0; i--)
        {
            s[i] = acc;
            acc *= Math.Max(_dims[i], 1);
        }
        return s;
    }

    /// <summary>NumPy broadcasting of two shapes; throws naming both shapes when they do not broadcast.</summary>
    public static Shape Broadcast(Shape a, Shape b, string op = "broadcast")
    {
        int rank = Math.Max(a.Rank, b.Rank);
        var r = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i - (rank - a.Rank) >= 0 ? a._dims[i - (rank - a.Rank)] : 1;
            int db = i - (rank - b.Rank) >= 0 ? b._dims[i - (rank - b.Rank)] : 1;
            if (da != db && da != 1 && db != 1)
                throw new ArgumentException($"{op}: shapes {a} and {b} do not broadcast (dimension {i}: {da} vs {db}).");
            r[i] = da == 1 ? db : da;
        }
        return new Shape(r);
    }

    public bool Equals(Shape? other) => other is not null && _dims.AsSpan().SequenceEqual(other._dims);

    public override bool Equals(object? obj) => Equals(obj as Shape);

    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var d in _dims) h.Add(d);
        return h.ToHashCode();
    }

    public static bool operator ==(Shape? a, Shape? b) => a is null ? b is null : a.Equals(b);

    public static bool operator !=(Shape? a, Shape? b) => !(a == b);

    public static implicit operator Shape(int[] dims) => new(dims);

    public override string ToString() => Format(_dims);

    internal static string Format(ReadOnlySpan<int> dims) => "(" + string.Join(",", dims.ToArray()) + ")";
}
