namespace Lepton.Engine.Autograd;

/// <summary>A scope in which ops record no autograd graph (inference, optimizer steps). <c>using var _ = new NoGrad();</c></summary>
public sealed class NoGrad : IDisposable
{
    [ThreadStatic] private static int _depth;
    private bool _disposed;

    public NoGrad() => _depth++;

    /// <summary>True while any NoGrad scope is open on this thread.</summary>
    public static bool IsActive => _depth > 0;

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _depth--;
    }
}
