using Lepton.NN;
using Lepton.NN.Layers;

namespace Lepton.Compression.Pruning;

/// <summary>
/// Unstructured magnitude pruning (Han et al. 2015): in each Conv2d and Linear weight, the <c>sparsity</c> share of elements
/// smallest in |w| is set to zero. Biases and normalization parameters are kept. The architecture is unchanged (dense kernels
/// still multiply the zeros, so the model is as fast as before; the gain is in compressibility). The returned masks keep the
/// zeros during fine-tuning.
/// </summary>
public static class MagnitudePruner
{
    /// <summary>Prunes <paramref name="model"/> in place and returns the masks.</summary>
    public static PruningMasks Prune(Module model, double sparsity)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!(sparsity >= 0 && sparsity < 1))
            throw new ArgumentException($"Magnitude pruning: sparsity is the share of weights set to zero, in [0, 1); got {sparsity}.");
        var masks = new PruningMasks();
        foreach (var (name, layer) in Layers(model, ""))
        {
            var weight = layer switch
            {
                Conv2d c => c.Weight,
                Linear l => l.Weight,
                _ => null,
            };
            if (weight is null) continue;
            masks.Add(name + "weight", weight, Mask(weight.Value.ToDoubleArray(), sparsity));
        }
        if (masks.Layers.Count == 0)
            throw new ArgumentException($"Magnitude pruning found no Conv2d or Linear weights in this {model.TypeName}.");
        masks.Apply();
        return masks;
    }

    /// <summary>Keep flags for <paramref name="values"/> with the floor(sparsity * n) smallest magnitudes pruned (ties by position).</summary>
    public static bool[] Mask(double[] values, double sparsity)
    {
        ArgumentNullException.ThrowIfNull(values);
        int prune = (int)Math.Floor(sparsity * values.Length);
        var keep = new bool[values.Length];
        Array.Fill(keep, true);
        var order = Enumerable.Range(0, values.Length).OrderBy(i => Math.Abs(values[i])).ThenBy(i => i).Take(prune);
        foreach (int i in order) keep[i] = false;
        return keep;
    }

    // Each module with the state-dict prefix of its tensors ("3." for layer 3 of a Sequential).
    private static IEnumerable<(string Prefix, Module Module)> Layers(Module m, string prefix)
    {
        yield return (prefix, m);
        foreach (var (name, child) in m.NamedChildren())
            foreach (var d in Layers(child, prefix + name + "."))
                yield return d;
    }
}
