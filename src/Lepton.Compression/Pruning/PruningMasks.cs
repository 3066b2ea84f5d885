using Lepton.Engine;
using Lepton.NN;

namespace Lepton.Compression.Pruning;

/// <summary>
/// Which weights of a model are pruned: per parameter, a keep mask of its size. <see cref="Apply"/> writes zeros where the
/// masks say so, in place; fine-tuning calls it after every optimizer step (<see cref="MaskedOptimizer"/>) so pruned weights stay zero.
/// </summary>
public sealed class PruningMasks
{
    private readonly List<(string Name, Parameter Parameter, bool[] Keep)> _masks = [];

    /// <summary>The masked parameters by name, each with its count of pruned (zeroed) elements.</summary>
    public IReadOnlyList<(string Name, int Pruned, int Total)> Layers =>
        [.. _masks.Select(m => (m.Name, m.Keep.Count(k => !k), m.Keep.Length))];

    /// <summary>Adds a mask for <paramref name="parameter"/> (state-dict name <paramref name="name"/>): true keeps an element, false prunes it.</summary>
    public void Add(string name, Parameter parameter, bool[] keep)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(parameter);
        ArgumentNullException.ThrowIfNull(keep);
        if (keep.Length != parameter.Numel)
            throw new ArgumentException($"Pruning mask for '{name}' has {keep.Length} entries, but the parameter {parameter.Shape} has {parameter.Numel}.");
        _masks.Add((name, parameter, keep));
    }

    /// <summary>Zeroes every pruned element (in place, outside autograd).</summary>
    public void Apply()
    {
        foreach (var (name, p, keep) in _masks)
        {
            var v = p.Value;
            if (v.DType == DType.Float32) Zero(v.Span<float>(), keep);
            else if (v.DType == DType.Float64) Zero(v.Span<double>(), keep);
            else throw new NotSupportedException($"Pruning masks apply to Float32 and Float64 parameters; '{name}' is {v.DType}.");
        }
    }

    private static void Zero<T>(Span<T> values, bool[] keep) where T : struct
    {
        for (int i = 0; i < values.Length; i++)
            if (!keep[i]) values[i] = default;
    }

    /// <summary>The share of the masked elements that are pruned (0 with no masks).</summary>
    public double Sparsity
    {
        get
        {
            long total = _masks.Sum(m => (long)m.Keep.Length);
            return total == 0 ? 0 : (double)_masks.Sum(m => (long)m.Keep.Count(k => !k)) / total;
        }
    }
}
