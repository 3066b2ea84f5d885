using System.Buffers;

namespace Lepton.Serving.Http;

/// <summary>
/// A growable byte buffer on <see cref="ArrayPool{T}.Shared"/> for one request's body or response: small bodies reuse
/// arrays instead of allocating ~6 KB per request. Dispose it when the request is done with the bytes.
/// </summary>
internal sealed class PooledBuffer : IBufferWriter<byte>, IDisposable
{
    // Larger arrays are allocated and dropped: a pool keeping 8 MiB bodies per core would hold memory for rare requests.
    private const int MaxPooledBytes = 1024 * 1024;
    private byte[] _array;
    private int _length;

    public PooledBuffer(int capacity = 4096) => _array = Rent(Math.Max(256, capacity));

    public int Length => _length;

    public ReadOnlySpan<byte> Span => _array.AsSpan(0, _length);

    public ReadOnlyMemory<byte> Memory => _array.AsMemory(0, _length);

    /// <summary>The whole free tail of the buffer, growing it first when less than <paramref name="sizeHint"/> bytes are free.</summary>
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsMemory(_length);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsSpan(_length);
    }

    public void Advance(int count)
    {
        if (count < 0 || _length + count > _array.Length) throw new ArgumentOutOfRangeException(nameof(count));
        _length += count;
    }

    public void Dispose()
    {
        var array = _array;
        _array = [];
        _length = 0;
        Return(array);
    }

    private void Ensure(int sizeHint)
    {
        int free = _array.Length - _length;
        int need = Math.Max(sizeHint, 1);
        if (free >= need) return;
        var bigger = Rent(checked(Math.Max(_array.Length * 2, _length + need)));
        Span.CopyTo(bigger);
        Return(_array);
        _array = bigger;
    }

    private static byte[] Rent(int size) => size <= MaxPooledBytes ? ArrayPool<byte>.Shared.Rent(size) : new byte[size];

    private static void Return(byte[] array)
    {
        if (array.Length is > 0 and <= MaxPooledBytes) ArrayPool<byte>.Shared.Return(array);
    }
}
