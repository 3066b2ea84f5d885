namespace Lepton.Engine.Autograd;

/// <summary>Gradients of leaf tensors, keyed by tensor identity. Passing a store to another Backward() accumulates.</summary>
public sealed class GradStore
{
    private readonly Dictionary<Tensor, Tensor> _grads = new(ReferenceEqualityComparer.Instance);

    /// <summary>The gradient of <paramref name="t"/>, or null when it got none.</summary>
    public Tensor? this[Tensor t] => _grads.GetValueOrDefault(t);

    public bool Contains(Tensor t) => _grads.ContainsKey(t);

    public int Count => _grads.Count;

    public IEnumerable<KeyValuePair<Tensor, Tensor>> Entries => _grads;

    /// <summary>The gradient of <paramref name="t"/>; throws naming the tensor when it has none.</summary>
    public Tensor Get(Tensor t) => _grads.GetValueOrDefault(t)
        ?? throw new KeyNotFoundException($"No gradient for tensor {t.Name ?? t.Shape.ToString()}: it does not require grad or does not reach the loss.");

    internal void Accumulate(Tensor t, Tensor g)
    {
        using var _ = new NoGrad();
        _grads[t] = _grads.TryGetValue(t, out var prev) ? prev.Add(g) : g;
    }

    public void Set(Tensor t, Tensor g) => _grads[t] = g;

    public void Remove(Tensor t) => _grads.Remove(t);

    public void Clear() => _grads.Clear();
}
