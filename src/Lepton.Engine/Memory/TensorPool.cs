namespace Lepton.Engine.Memory;

/// <summary>
/// Free buffers for tensors made inside a <see cref="TensorScope"/>, kept by dtype and exact length, so a
/// loop that repeats the same shapes (a training step, a served batch) reuses them instead of allocating.
/// Thread-safe: scopes on several threads may share one pool. Disposing drops the free buffers; scopes still open
/// then return theirs to the garbage collector.
/// </summary>
public sealed class TensorPool : IDisposable
{
    /// <summary>A process-wide pool for inference and code that has no pool of its own.</summary>
    public static TensorPool Shared { get; } = new(maxRetainedBytes: 256L << 20);

    private readonly Dictionary<(DType, int), Stack<Array>> _free = new();
    private readonly Stack<ScopeFrame> _idleScopes = new();
    private readonly Lock _lock = new();
    private long _retainedBytes;
    private bool _disposed;

    /// <param name="maxRetainedBytes">Free buffers beyond this many bytes go to the garbage collector instead of the pool.</param>
    public TensorPool(long maxRetainedBytes = 1L << 30)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxRetainedBytes);
        MaxRetainedBytes = maxRetainedBytes;
    }

    public long MaxRetainedBytes { get; }

    /// <summary>Bytes held in free buffers, waiting for the next scope.</summary>
    public long RetainedBytes { get { lock (_lock) return _retainedBytes; } }

    /// <summary>Buffers handed out from the free lists (reused) and newly allocated (missed), since the pool was made.</summary>
    public long Reused { get; private set; }

    public long Allocated { get; private set; }

    /// <summary>
    /// Opens a scope on the current thread: until it is disposed, every tensor buffer this thread makes comes
    /// from this pool and goes back when the scope ends. Scopes nest and must end on the thread that opened them.
    /// </summary>
    public TensorScope BeginScope()
    {
        ScopeFrame? frame;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _idleScopes.TryPop(out frame);
        }
        frame ??= new ScopeFrame(this);
        return new TensorScope(frame, frame.Open());
    }

    /// <summary>Drops every free buffer (for example after training, to give the memory back).</summary>
    public void Trim()
    {
        lock (_lock)
        {
            _free.Clear();
            _retainedBytes = 0;
        }
    }

    /// <summary>Drops the free buffers; the pool takes no buffers back and opens no scopes afterwards.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _free.Clear();
            _idleScopes.Clear();
            _retainedBytes = 0;
        }
    }

    internal Array Take(DType dtype, int length, bool zeroed)
    {
        Array? data = null;
        lock (_lock)
        {
            if (_free.TryGetValue((dtype, length), out var stack) && stack.TryPop(out data))
            {
                _retainedBytes -= BytesOf(dtype, length);
                Reused++;
            }
            else Allocated++;
        }
        if (data is null) return Storage.NewArray(dtype, length, zeroed);
        if (zeroed) Array.Clear(data);
        return data;
    }

    internal void Return(DType dtype, Array data)
    {
        long bytes = BytesOf(dtype, data.Length);
        lock (_lock)
        {
            if (_disposed || _retainedBytes + bytes > MaxRetainedBytes) return;
            if (!_free.TryGetValue((dtype, data.Length), out var stack)) _free[(dtype, data.Length)] = stack = new Stack<Array>();
            stack.Push(data);
            _retainedBytes += bytes;
        }
    }

    internal void Recycle(ScopeFrame frame)
    {
        lock (_lock)
            if (!_disposed) _idleScopes.Push(frame);
    }

    private static long BytesOf(DType dtype, int length) => (long)length * dtype.SizeOf();
}
