using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.NN;
using Lepton.NN.Layers;

namespace Lepton.Compression.Lora;

/// <summary>
/// The adapters attached to one model: which maps carry one, their parameters (the only ones that train), and the ways out:
/// <see cref="Detach"/> (back to the base model) or <see cref="Merge"/> (fold W' = W + (alpha/r) B A into the weights for serving).
/// </summary>
public sealed class LoraAdapters
{
    private readonly List<(LoraTarget Target, LoraAdapter Adapter)> _entries;

    private LoraAdapters(Module model, LoraOptions options, List<(LoraTarget, LoraAdapter)> entries)
    {
        Model = model;
        Options = options;
        _entries = entries;
    }

    public Module Model { get; }

    public LoraOptions Options { get; }

    /// <summary>Each adapted map and its adapter, in module order.</summary>
    public IReadOnlyList<(LoraTarget Target, LoraAdapter Adapter)> Entries => _entries;

    /// <summary>True once <see cref="Detach"/> or <see cref="Merge"/> removed the adapters from the model.</summary>
    public bool Detached { get; private set; }

    /// <summary>A and B of every adapter, named as PEFT names them: <c>TARGET.lora_A.weight</c>, <c>TARGET.lora_B.weight</c>.</summary>
    public IEnumerable<(string Name, Parameter Parameter)> NamedParameters()
    {
        foreach (var (t, a) in _entries)
        {
            yield return (TensorName(t.Name, "lora_A"), a.A);
            yield return (TensorName(t.Name, "lora_B"), a.B);
        }
    }

    public IReadOnlyList<Parameter> Parameters => [.. NamedParameters().Select(p => p.Parameter)];

    /// <summary>Elements in every adapter: what trains.</summary>
    public long ParameterCount => _entries.Sum(e => e.Adapter.ParameterCount);

    /// <summary>The adapter tensors by name, for adapter.safetensors.</summary>
    public IReadOnlyDictionary<string, Tensor> StateDict() => NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.Value);

    /// <summary>
    /// Attaches fresh adapters (A random, B zero) to the maps <paramref name="options"/> selects; the model's outputs are unchanged
    /// until the adapters train. Adapters take the dtype of the weight they adapt.
    /// </summary>
    public static LoraAdapters Attach(Module model, LoraOptions options, Generator rng)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(rng);
        options.Validate();
        var targets = LoraTargets.Select(model, options.Selectors);
        var entries = new List<(LoraTarget, LoraAdapter)>();
        foreach (var t in targets)
        {
            if (t.Adapter is not null) throw new InvalidOperationException($"LoRA target {t.Name} already carries an adapter; detach or merge it first.");
            var adapter = new LoraAdapter(t.InFeatures, t.OutFeatures, options.Rank, options.Alpha, rng, t.Weight.DType);
            t.Adapter = adapter;
            entries.Add((t, adapter));
        }
        return new LoraAdapters(model, options, entries);
    }

    /// <summary>
    /// Attaches adapters with trained weights (read from adapter.safetensors) to the maps they name; every target must exist with
    /// the sizes the tensors imply, and every tensor must belong to a target.
    /// </summary>
    public static LoraAdapters Attach(Module model, LoraAdapterInfo info, IReadOnlyDictionary<string, Tensor> weights, string source = LoraAdapterFile.WeightsFileName)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(weights);
        var options = new LoraOptions(info.Rank, info.Alpha, info.Targets);
        options.Validate();
        var byName = LoraTargets.Find(model).ToDictionary(t => t.Name, StringComparer.Ordinal);
        var expected = new HashSet<string>(StringComparer.Ordinal);
        var entries = new List<(LoraTarget, LoraAdapter)>();
        try
        {
            foreach (var name in info.Targets)
            {
                if (!byName.TryGetValue(name, out var t))
                    throw new InvalidDataException($"{source}: the adapter targets '{name}', which this model does not have; the adapter belongs to another base model.");
                var a = Weight(name, "lora_A", [info.Rank, t.InFeatures]);
                var b = Weight(name, "lora_B", [t.OutFeatures, info.Rank]);
                var adapter = new LoraAdapter(t.InFeatures, t.OutFeatures, info.Rank, info.Alpha, new Generator(0), t.Weight.DType);
                adapter.A.Assign(a);
                adapter.B.Assign(b);
                if (t.Adapter is not null) throw new InvalidOperationException($"LoRA target {t.Name} already carries an adapter; detach or merge it first.");
                t.Adapter = adapter;
                entries.Add((t, adapter));
            }
            var unexpected = weights.Keys.Where(k => !expected.Contains(k)).ToList();
            if (unexpected.Count > 0)
                throw new InvalidDataException($"{source} has tensor(s) {string.Join(", ", unexpected.Take(10))} that no adapter target in adapter.json names; the files do not belong together.");
        }
        catch
        {
            foreach (var (t, _) in entries) t.Adapter = null;
            throw;
        }
        return new LoraAdapters(model, options, entries);

        Tensor Weight(string target, string part, int[] shape)
        {
            string name = TensorName(target, part);
            expected.Add(name);
            if (!weights.TryGetValue(name, out var w))
                throw new InvalidDataException($"{source} is missing tensor '{name}' for target {target}; the adapter files are incomplete.");
            if (!w.DType.IsFloatingPoint())
                throw new InvalidDataException($"{source}: tensor '{name}' is {w.DType}; adapter weights are float tensors.");
            if (!w.Shape.ToArray().SequenceEqual(shape))
                throw new InvalidDataException($"{source}: tensor '{name}' has shape {w.Shape}, but rank {shape[part == "lora_A" ? 0 : 1]} on this model's {target} needs ({string.Join(",", shape)}).");
            return w;
        }
    }

    /// <summary>Freezes every parameter of the base model, so only the adapters train; returns how many elements were frozen.</summary>
    public long FreezeBase()
    {
        long frozen = 0;
        foreach (var p in Model.Parameters())
        {
            p.Trainable = false;
            frozen += p.Numel;
        }
        return frozen;
    }

    /// <summary>Removes the adapters: the model computes its base function again.</summary>
    public void Detach()
    {
        foreach (var (t, a) in _entries)
            if (ReferenceEquals(t.Adapter, a)) t.Adapter = null;
        Detached = true;
    }

    /// <summary>Folds every adapter into its base weight (W' = W + (alpha/r) B A) and detaches it: the same function, no extra cost.</summary>
    public void Merge()
    {
        if (Detached) throw new InvalidOperationException("These adapters were already detached or merged; attach them again to merge.");
        using (new NoGrad())
        {
            foreach (var (t, a) in _entries)
            {
                var w = t.Weight;
                w.CopyFrom(w.Add(a.DenseUpdate().To(w.DType)));
            }
        }
        Detach();
    }

    internal static string TensorName(string target, string part) => target.Length == 0 ? part + ".weight" : $"{target}.{part}.weight";
}
