using Lepton.Engine;

namespace Lepton.Training.Metrics;

/// <summary>Reads a batch's outputs and targets as flat spans, copying only when they are not dense float32 / Int32.</summary>
internal static class MetricInputs
{
    /// <summary>Outputs (N, k) or (N) as row-major floats; k is 1 for (N).</summary>
    public static ReadOnlySpan<float> Outputs(string metric, Tensor outputs, out int rows, out int width)
    {
        if (outputs.Rank is not (1 or 2))
            throw new ArgumentException($"{metric} expected outputs (N, k), got {outputs.Shape}.");
        rows = outputs.Shape[0];
        width = outputs.Rank == 2 ? outputs.Shape[1] : 1;
        return Floats(outputs);
    }

    /// <summary>Targets holding <paramref name="perRow"/> values per example, as floats (Int32 0/1 labels included).</summary>
    public static ReadOnlySpan<float> Targets(string metric, Tensor targets, int rows, int perRow)
    {
        if (targets.Numel != (long)rows * perRow || targets.Shape.Rank == 0 || targets.Shape[0] != rows)
            throw new ArgumentException($"{metric} expected targets with {perRow} value(s) for each of {rows} examples, got {targets.DType} {targets.Shape}.");
        return Floats(targets);
    }

    /// <summary>Class ids (N) for outputs with <paramref name="classes"/> columns.</summary>
    public static ReadOnlySpan<int> ClassIds(string metric, Tensor targets, int rows, int classes)
    {
        if (targets.DType != DType.Int32 || targets.Rank != 1 || targets.Shape[0] != rows)
            throw new ArgumentException($"{metric} expected Int32 class ids ({rows}) for outputs ({rows}, {classes}), got {targets.DType} {targets.Shape}.");
        var ids = targets.Contiguous().Span<int>();
        foreach (var id in ids)
            if ((uint)id >= (uint)classes)
                throw new ArgumentException($"{metric}: class id {id} is outside 0..{classes - 1} for outputs with {classes} columns.");
        return ids;
    }

    private static ReadOnlySpan<float> Floats(Tensor t)
    {
        var c = t.Contiguous();
        return c.DType == DType.Float32 ? c.Span<float>() : c.ToArray();
    }
}
