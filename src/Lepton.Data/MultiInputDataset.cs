using Lepton.Engine;

namespace Lepton.Data;

/// <summary>
/// Examples with several named inputs (an image and a feature vector; token ids and a mask) and one target tensor,
/// for models with several inputs. Batches carry the first input in <see cref="Batch.Inputs"/> and the rest in
/// <see cref="Batch.MoreInputs"/>, in <see cref="InputNames"/> order.
/// </summary>
public sealed class MultiInputDataset : IDataset
{
    private readonly InMemoryDataset _first;
    private readonly Tensor[] _more;

    /// <param name="inputs">Each input (N, ...) with its name, in the model's order; float32 or Int32.</param>
    /// <param name="targets">Int32 class ids (N) or float32 (N, ...).</param>
    public MultiInputDataset(IReadOnlyList<(string Name, Tensor Values)> inputs, Tensor targets, IReadOnlyList<string>? classNames = null)
    {
        if (inputs.Count == 0) throw new ArgumentException("MultiInputDataset needs at least one input.", nameof(inputs));
        int n = inputs[0].Values.Shape[0];
        foreach (var (name, values) in inputs)
        {
            if (values.Rank == 0 || values.Shape[0] != n)
                throw new ArgumentException(
                    $"MultiInputDataset: input '{name}' holds {(values.Rank == 0 ? "a scalar" : values.Shape[0] + " examples")}, but '{inputs[0].Name}' holds {n}; every input needs one row per example.");
            if (values.DType is not (DType.Float32 or DType.Int32))
                throw new ArgumentException($"MultiInputDataset: input '{name}' is {values.DType}; inputs are float32 values or Int32 ids.");
        }
        if (inputs.Select(i => i.Name).Distinct(StringComparer.Ordinal).Count() != inputs.Count)
            throw new ArgumentException("MultiInputDataset: two inputs share a name; give each its own.", nameof(inputs));
        _first = new InMemoryDataset(inputs[0].Values.To(DType.Float32), targets, classNames);
        _more = [.. inputs.Skip(1).Select(i => i.Values.Contiguous())];
        InputNames = [.. inputs.Select(i => i.Name)];
        InputShapes = [.. inputs.Select(i => new Shape(i.Values.Shape.Dims[1..].ToArray()))];
    }

    public IReadOnlyList<string> InputNames { get; }

    /// <summary>The shape of one example of each input.</summary>
    public IReadOnlyList<Shape> InputShapes { get; }

    public Tensor Targets => _first.Targets;

    public int Count => _first.Count;

    public Shape InputShape => _first.InputShape;

    public IReadOnlyList<string> ClassNames => _first.ClassNames;

    public Batch GetBatch(ReadOnlySpan<int> indices)
    {
        var b = _first.GetBatch(indices);
        if (_more.Length == 0) return b;
        var index = Tensor.FromArray(indices.ToArray(), indices.Length);
        return b with { MoreInputs = [.. _more.Select(t => t.IndexSelect(0, index))] };
    }

    /// <summary>A new dataset holding the examples at <paramref name="indices"/>, in that order.</summary>
    public MultiInputDataset Subset(ReadOnlySpan<int> indices)
    {
        var index = Tensor.FromArray(indices.ToArray(), indices.Length);
        var first = _first.Subset(indices);
        var inputs = new List<(string, Tensor)> { (InputNames[0], first.Inputs) };
        for (int i = 0; i < _more.Length; i++) inputs.Add((InputNames[i + 1], _more[i].IndexSelect(0, index).Contiguous()));
        return new MultiInputDataset(inputs, first.Targets, ClassNames);
    }

    /// <summary>Shuffles with <paramref name="seed"/> and cuts into (first, second), first holding round(fraction·N) examples.</summary>
    public (MultiInputDataset First, MultiInputDataset Second) Split(double fraction, ulong seed)
    {
        if (!(fraction >= 0 && fraction <= 1))
            throw new ArgumentOutOfRangeException(nameof(fraction), $"Split fraction must be in [0, 1], got {fraction}.");
        var order = new Generator(seed).Permutation(Count);
        int cut = (int)Math.Round(fraction * Count);
        return (Subset(order.AsSpan(0, cut)), Subset(order.AsSpan(cut)));
    }
}
