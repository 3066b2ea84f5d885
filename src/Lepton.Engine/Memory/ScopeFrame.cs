namespace Lepton.Engine.Memory;

/// <summary>
/// The state of one open <see cref="TensorScope"/>: the storages it lent, the scope it hides, and the thread
/// that owns it. Frames are reused by their pool, so a version number tells a live scope from a stale handle.
/// </summary>
internal sealed class ScopeFrame(TensorPool pool)
{
    [ThreadStatic] private static ScopeFrame? t_current;

    private readonly List<Storage> _lent = new();
    private ScopeFrame? _parent;
    private int _thread;

    /// <summary>The innermost open scope of this thread; null outside scopes and inside <see cref="TensorScope.Suspend"/>.</summary>
    internal static ScopeFrame? Current
    {
        get => t_current;
        set => t_current = value;
    }

    internal int Version { get; private set; }

    internal bool IsOpen { get; private set; }

    internal int Open()
    {
        _parent = t_current;
        _thread = Environment.CurrentManagedThreadId;
        IsOpen = true;
        t_current = this;
        return ++Version;
    }

    internal Storage Rent(DType dtype, int length, bool zeroed)
    {
        var storage = new Storage(pool.Take(dtype, length, zeroed), dtype);
        _lent.Add(storage);
        return storage;
    }

    internal void Close(int version)
    {
        if (!IsOpen || version != Version)
            throw new ObjectDisposedException(nameof(TensorScope), "This TensorScope was already disposed.");
        if (Environment.CurrentManagedThreadId != _thread)
            throw new InvalidOperationException("A TensorScope must be disposed on the thread that opened it.");
        if (t_current != this)
            throw new InvalidOperationException("TensorScopes must end in the reverse order they began: an inner scope is still open.");
        foreach (var s in _lent) pool.Return(s.DType, s.Release());
        _lent.Clear();
        t_current = _parent;
        _parent = null;
        IsOpen = false;
        pool.Recycle(this);
    }
}
