namespace Lepton.Engine.Memory;

/// <summary>
/// A region of code whose tensor buffers come from a <see cref="TensorPool"/> and go back to it when the
/// scope is disposed, so a repeated step allocates no new arrays. Tensors made inside must not be read
/// after it ends (they throw <see cref="ObjectDisposedException"/>): copy results out with ToArray(), or make them under <see cref="Suspend"/>.
/// </summary>
public readonly struct TensorScope : IDisposable
{
    private readonly ScopeFrame _frame;
    private readonly int _version;

    internal TensorScope(ScopeFrame frame, int version)
    {
        _frame = frame;
        _version = version;
    }

    /// <summary>True while a scope is open on the current thread (outside any <see cref="Suspend"/>).</summary>
    public static bool IsActive => ScopeFrame.Current is not null;

    /// <summary>
    /// Until the result is disposed, tensors made on this thread are ordinary garbage-collected ones again,
    /// for state that must outlive the scope (optimizer moments, running statistics, caches).
    /// </summary>
    public static SuspendedScope Suspend() => new(ScopeFrame.Current);

    public void Dispose() => _frame?.Close(_version);
}
