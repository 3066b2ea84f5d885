using Lepton.Engine;

namespace Lepton.Runtime;

/// <summary>
/// The tensors of one predictor call, one per signature input (or output) in signature order. A single tensor travels
/// without an array, so the one-input one-output path of the server allocates nothing for it.
/// </summary>
public readonly struct TensorSet
{
    private readonly Tensor? _single;
    private readonly Tensor[]? _many;

    public TensorSet(Tensor single)
    {
        ArgumentNullException.ThrowIfNull(single);
        _single = single;
        _many = null;
    }

    public TensorSet(Tensor[] tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Length == 0) throw new ArgumentException("A TensorSet needs at least one tensor, got none.", nameof(tensors));
        foreach (var t in tensors) ArgumentNullException.ThrowIfNull(t, nameof(tensors));
        if (tensors.Length == 1)
        {
            _single = tensors[0];
            _many = null;
        }
        else
        {
            _single = null;
            _many = tensors;
        }
    }

    public static implicit operator TensorSet(Tensor single) => new(single);

    /// <summary>How many tensors; 0 only for <c>default(TensorSet)</c>.</summary>
    public int Count => _many?.Length ?? (_single is null ? 0 : 1);

    public Tensor this[int index] =>
        _many is not null ? _many[index]
        : index == 0 && _single is not null ? _single
        : throw new ArgumentOutOfRangeException(nameof(index), $"This TensorSet holds {Count} tensor(s); index {index} is out of range.");

    /// <summary>Rows (the batch dimension) of the first tensor.</summary>
    public int Rows => this[0].Rank == 0 ? 0 : this[0].Shape[0];

    /// <summary>The tensors by signature name, for callers that prefer names to positions.</summary>
    public IReadOnlyDictionary<string, Tensor> ByName(IReadOnlyList<TensorSignature> signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        if (signature.Count != Count)
            throw new ArgumentException($"The signature names {signature.Count} tensor(s) but this set holds {Count}.", nameof(signature));
        var named = new Dictionary<string, Tensor>(Count, StringComparer.Ordinal);
        for (int i = 0; i < Count; i++) named[signature[i].Name] = this[i];
        return named;
    }

    /// <summary>The set in signature order from tensors given by name; names the missing or unknown ones.</summary>
    public static TensorSet FromNamed(IReadOnlyDictionary<string, Tensor> named, IReadOnlyList<TensorSignature> signature)
    {
        ArgumentNullException.ThrowIfNull(named);
        ArgumentNullException.ThrowIfNull(signature);
        var tensors = new Tensor[signature.Count];
        for (int i = 0; i < signature.Count; i++)
        {
            if (!named.TryGetValue(signature[i].Name, out var t))
                throw new ArgumentException($"No tensor named '{signature[i].Name}'; the signature takes {string.Join(", ", signature.Select(s => s.Name))}.");
            tensors[i] = t;
        }
        if (named.Count != signature.Count)
        {
            var extra = named.Keys.Where(k => signature.All(s => s.Name != k));
            throw new ArgumentException($"Unknown tensor name(s) {string.Join(", ", extra)}; the signature takes {string.Join(", ", signature.Select(s => s.Name))}.");
        }
        return new TensorSet(tensors);
    }
}
