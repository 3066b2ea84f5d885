namespace Lepton.Engine.Memory;

/// <summary>Undoes <see cref="TensorScope.Suspend"/> when disposed.</summary>
public readonly struct SuspendedScope : IDisposable
{
    private readonly ScopeFrame? _hidden;

    internal SuspendedScope(ScopeFrame? hidden)
    {
        _hidden = hidden;
        ScopeFrame.Current = null;
    }

    public void Dispose() => ScopeFrame.Current = _hidden;
}
