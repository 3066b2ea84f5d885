using System.Runtime.InteropServices;

namespace Lepton.Engine;

// Raw little-endian element bytes in and out, for file formats (safetensors, npy) and wire formats.
public sealed partial class Tensor
{
    /// <summary>
    /// A new tensor holding a copy of <paramref name="littleEndian"/> read as <paramref name="dtype"/> elements in
    /// row-major order; the byte count must be exactly shape.Size * dtype.SizeOf().
    /// </summary>
    public static Tensor FromBytes(ReadOnlySpan<byte> littleEndian, DType dtype, Shape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        long expected = (long)shape.Size * dtype.SizeOf();
        if (littleEndian.Length != expected)
            throw new ArgumentException($"FromBytes: {littleEndian.Length:N0} bytes do not hold a {dtype} tensor of shape {shape} ({expected:N0} bytes).");
        RequireLittleEndianHost("FromBytes");
        var storage = new Storage(Storage.NewArray(dtype, shape.Size, zeroed: false), dtype);
        var copy = new CopyBytesIn(littleEndian, storage);
        DTypeSwitch.Run(dtype, ref copy);
        return new Tensor(storage, shape);
    }

    /// <summary>The elements in row-major order as little-endian bytes (shape.Size * DType.SizeOf() of them).</summary>
    public byte[] ToBytes()
    {
        RequireLittleEndianHost("ToBytes");
        var c = DenseData();
        var bytes = new byte[(long)c.Numel * c.DType.SizeOf()];
        var copy = new CopyBytesOut(c, bytes);
        DTypeSwitch.Run(c.DType, ref copy);
        return bytes;
    }

    // Every platform .NET 10 runs on is little-endian; say so plainly rather than write swapped bytes on another.
    private static void RequireLittleEndianHost(string op)
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException($"{op}: this machine is big-endian; Lepton reads and writes tensor bytes little-endian only.");
    }

    private readonly ref struct CopyBytesIn(ReadOnlySpan<byte> bytes, Storage storage) : IDTypeAction
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;

        public void Run<T>() where T : unmanaged => MemoryMarshal.Cast<byte, T>(_bytes).CopyTo(storage.As<T>());
    }

    private readonly struct CopyBytesOut(Tensor dense, byte[] bytes) : IDTypeAction
    {
        public void Run<T>() where T : unmanaged => MemoryMarshal.AsBytes(dense.Span<T>()).CopyTo(bytes);
    }
}
