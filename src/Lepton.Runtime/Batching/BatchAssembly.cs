using Lepton.Engine;

namespace Lepton.Runtime;

/// <summary>
/// Joins the rows of several requests into one batch tensor, of any dtype. Examples of one length are concatenated as they
/// are; examples of different lengths along a padded axis are first padded to the longest with the rule's value.
/// </summary>
public static class BatchAssembly
{
    /// <summary>
    /// <paramref name="parts"/> (N_i, ...) joined along the batch axis. With a <paramref name="padding"/> rule, parts may differ
    /// along its axis and are padded at the end; without one they must match in every example dimension.
    /// </summary>
    public static Tensor Concat(IReadOnlyList<Tensor> parts, PaddingRule? padding, string name = "input")
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 0) throw new ArgumentException("Nothing to join: no parts.", nameof(parts));
        if (parts.Count == 1) return parts[0];
        if (padding is null || SameLength(parts, padding.Axis + 1)) return Tensor.Concat(parts, 0);
        int axis = padding.Axis + 1; // the batch dimension comes first
        int longest = 0;
        foreach (var p in parts)
        {
            if (p.Rank <= axis)
                throw new ArgumentException($"'{name}' pads along example axis {padding.Axis}, but a part has shape {p.Shape}.", nameof(parts));
            longest = Math.Max(longest, p.Shape[axis]);
        }
        var padded = new Tensor[parts.Count];
        for (int i = 0; i < parts.Count; i++) padded[i] = PadTo(parts[i], axis, longest, padding.Value);
        return Tensor.Concat(padded, 0);
    }

    /// <summary><paramref name="t"/> extended along <paramref name="axis"/> to <paramref name="length"/> with <paramref name="value"/>.</summary>
    public static Tensor PadTo(Tensor t, int axis, int length, double value)
    {
        ArgumentNullException.ThrowIfNull(t);
        int have = t.Shape[axis];
        if (have == length) return t;
        if (have > length) throw new ArgumentException($"Cannot pad shape {t.Shape} along axis {axis} to a shorter length {length}.", nameof(length));
        var dims = t.Shape.ToArray();
        dims[axis] = length - have;
        // Concat and Full dispatch on dtype inside the engine, so padding works for every dtype it has.
        return Tensor.Concat([t, Tensor.Full(new Shape(dims), value, t.DType)], axis);
    }

    private static bool SameLength(IReadOnlyList<Tensor> parts, int axis)
    {
        if (parts[0].Rank <= axis) return true;
        int length = parts[0].Shape[axis];
        for (int i = 1; i < parts.Count; i++)
            if (parts[i].Rank <= axis || parts[i].Shape[axis] != length) return false;
        return true;
    }
}
