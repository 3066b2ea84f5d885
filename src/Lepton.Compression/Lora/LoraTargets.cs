using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Layers;

namespace Lepton.Compression.Lora;

/// <summary>Which linear map a LoRA target is: a plain <see cref="Linear"/>, or one of an attention layer's four projections.</summary>
public enum LoraTargetKind
{
    Linear,
    Query,
    Key,
    Value,
    Out,
}

/// <summary>
/// One linear map of a model that can carry an adapter, named like its weights: a Linear by its state-dict prefix
/// (<c>5</c>, <c>encoder.linear1</c>), an attention projection as <c>self_attn.q_proj</c>, <c>k_proj</c>, <c>v_proj</c> or <c>out_proj</c>.
/// </summary>
public sealed class LoraTarget
{
    private readonly Linear? _linear;
    private readonly MultiheadAttention? _attention;

    internal LoraTarget(string name, LoraTargetKind kind, Linear? linear, MultiheadAttention? attention)
    {
        Name = name;
        Kind = kind;
        _linear = linear;
        _attention = attention;
    }

    public string Name { get; }

    public LoraTargetKind Kind { get; }

    public int InFeatures => _linear?.InFeatures ?? _attention!.EmbedDim;

    public int OutFeatures => _linear?.OutFeatures ?? _attention!.EmbedDim;

    /// <summary>The base weight (out, in) this target maps with: the Linear's weight, or the projection's rows of in_proj_weight.</summary>
    public Tensor Weight => _linear is not null
        ? _linear.Weight.Value
        : _attention!.InProjectionWeight.Value.Slice(0, Row * _attention.EmbedDim, (Row + 1) * _attention.EmbedDim);

    private int Row => Kind switch { LoraTargetKind.Query => 0, LoraTargetKind.Key => 1, _ => 2 };

    /// <summary>The adapter this map carries now; null for none.</summary>
    public ILinearAdapter? Adapter
    {
        get => _linear is not null ? _linear.Adapter : Kind switch
        {
            LoraTargetKind.Query => _attention!.QueryAdapter,
            LoraTargetKind.Key => _attention!.KeyAdapter,
            _ => _attention!.ValueAdapter,
        };
        set
        {
            if (_linear is not null) _linear.Adapter = value;
            else if (Kind == LoraTargetKind.Query) _attention!.QueryAdapter = value;
            else if (Kind == LoraTargetKind.Key) _attention!.KeyAdapter = value;
            else _attention!.ValueAdapter = value;
        }
    }

    public override string ToString() => $"{Name} ({Kind}, {InFeatures} → {OutFeatures})";
}

/// <summary>Finds the linear maps of a model and picks those a list of selectors names.</summary>
public static class LoraTargets
{
    /// <summary>Every Linear and every attention projection.</summary>
    public const string All = "all";

    /// <summary>Selectors besides exact target names.</summary>
    public static IReadOnlyList<string> Selectors { get; } = [All, "linear", "attention", "q", "k", "v", "out"];

    /// <summary>Every map of <paramref name="model"/> that can carry an adapter, in module order.</summary>
    public static IReadOnlyList<LoraTarget> Find(Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var found = new List<LoraTarget>();
        Walk(model, "", null);
        return found;

        void Walk(Module m, string name, MultiheadAttention? parent)
        {
            switch (m)
            {
                case Linear l:
                    found.Add(new LoraTarget(name, parent is not null ? LoraTargetKind.Out : LoraTargetKind.Linear, l, null));
                    return;
                case MultiheadAttention a:
                    foreach (var (kind, suffix) in new[] { (LoraTargetKind.Query, "q_proj"), (LoraTargetKind.Key, "k_proj"), (LoraTargetKind.Value, "v_proj") })
                        found.Add(new LoraTarget(Join(name, suffix), kind, null, a));
                    break;
            }
            foreach (var (child, c) in m.NamedChildren()) Walk(c, Join(name, child), m as MultiheadAttention);
        }
    }

    /// <summary>The targets <paramref name="selectors"/> pick (a union, in module order); a selector that picks nothing is an error listing what exists.</summary>
    public static IReadOnlyList<LoraTarget> Select(Module model, IReadOnlyList<string> selectors)
    {
        var all = Find(model);
        if (all.Count == 0)
            throw new ArgumentException($"The model ({model.TypeName}) has no Linear or attention layer for LoRA to adapt; LoRA adapts linear maps (convolutions are not adapted).");
        var picked = new HashSet<LoraTarget>(ReferenceEqualityComparer.Instance);
        foreach (var selector in selectors)
        {
            var matches = all.Where(t => Matches(t, selector)).ToList();
            if (matches.Count == 0)
                throw new ArgumentException(
                    $"LoRA target '{selector}' matches nothing in this model. Use {string.Join(", ", Selectors)}, or a layer name: {string.Join(", ", all.Select(t => t.Name).Take(20))}{(all.Count > 20 ? ", ..." : "")}.");
            picked.UnionWith(matches);
        }
        return [.. all.Where(picked.Contains)];
    }

    private static bool Matches(LoraTarget t, string selector) => selector.ToLowerInvariant() switch
    {
        All => true,
        "linear" => t.Kind == LoraTargetKind.Linear,
        "attention" => t.Kind != LoraTargetKind.Linear,
        "q" => t.Kind == LoraTargetKind.Query,
        "k" => t.Kind == LoraTargetKind.Key,
        "v" => t.Kind == LoraTargetKind.Value,
        "out" => t.Kind == LoraTargetKind.Out,
        _ => string.Equals(t.Name, selector, StringComparison.Ordinal),
    };

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;
}
