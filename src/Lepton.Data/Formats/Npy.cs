using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Lepton.Engine;

namespace Lepton.Data.Formats;

/// <summary>
/// NumPy's .npy format, the interchange format with Python: reads versions 1.0/2.0/3.0 with C-order data of
/// float16/32/64 (to Float32/Float64) and integer or bool types (to Int32, range-checked), either byte order;
/// writes Float32/Float64/Int32 tensors as version 1.0 with NumPy's 64-byte header alignment.
/// </summary>
public static partial class Npy
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
    private const int Alignment = 64;
    private const int MaxHeaderLength = 1 << 20;

    public static Tensor Read(string path)
    {
        using var file = File.OpenRead(path);
        return Read(file, Path.GetFileName(path));
    }

    /// <summary>Reads one array from a stream; <paramref name="name"/> prefixes error messages.</summary>
    public static Tensor Read(Stream stream, string name = "npy data")
    {
        var prefix = new byte[12];
        int got = stream.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false);
        if (got < 8 || !prefix.AsSpan(0, 6).SequenceEqual(Magic))
            throw new InvalidDataException($"{name}: not a .npy file (it must start with \\x93NUMPY).");
        int major = prefix[6], minor = prefix[7];
        if (major is < 1 or > 3)
            throw new InvalidDataException($"{name}: .npy format version {major}.{minor} is not supported (1.0, 2.0 and 3.0 are).");
        int lengthBytes = major == 1 ? 2 : 4;
        if (got < 8 + lengthBytes)
            throw new InvalidDataException($"{name}: truncated inside the .npy header.");
        long headerLength = major == 1
            ? BinaryPrimitives.ReadUInt16LittleEndian(prefix.AsSpan(8))
            : BinaryPrimitives.ReadUInt32LittleEndian(prefix.AsSpan(8));
        if (headerLength > MaxHeaderLength)
            throw new InvalidDataException($"{name}: .npy header claims {headerLength:N0} bytes; headers are small, so the file is corrupt.");

        // A version-1 prefix is 10 bytes, so the first two bytes of its header were read with the prefix.
        var header = new byte[headerLength];
        int carried = (int)Math.Min(got - (8 + lengthBytes), headerLength);
        prefix.AsSpan(8 + lengthBytes, carried).CopyTo(header);
        if (stream.ReadAtLeast(header.AsSpan(carried), header.Length - carried, throwOnEndOfStream: false) < header.Length - carried)
            throw new InvalidDataException($"{name}: truncated inside the .npy header ({headerLength} bytes declared).");
        var text = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(header);
        var (descr, fortran, dims) = ParseHeader(text, name);
        if (fortran)
            throw new InvalidDataException($"{name}: fortran_order=True arrays are not supported; save with np.ascontiguousarray(a) first.");
        var element = NpyElement.Parse(descr, name);

        long numel = 1;
        foreach (var d in dims) numel = Math.Min(numel * d, long.MaxValue / 16);
        long bytes = numel * element.Size;
        if (numel > int.MaxValue || bytes > Array.MaxLength)
            throw new InvalidDataException($"{name}: shape ({string.Join(", ", dims)}) of {descr} is too large for one tensor.");
        var payload = new byte[bytes];
        int read = stream.ReadAtLeast(payload, payload.Length, throwOnEndOfStream: false);
        if (read < bytes)
            throw new InvalidDataException($"{name}: truncated: header declares shape ({string.Join(", ", dims)}) of {descr} = {bytes:N0} bytes, file has {read:N0}.");
        if (stream.ReadByte() >= 0)
            throw new InvalidDataException($"{name}: the file has more data after the {bytes:N0} bytes its header declares; it is corrupt (or an .npz/pickle, which is not supported).");
        return element.Decode(payload, (int)numel, dims, name);
    }

    /// <summary>Writes a Float32, Float64 or Int32 tensor as a version 1.0 .npy file.</summary>
    public static void Write(string path, Tensor tensor)
    {
        using var file = File.Create(path);
        Write(file, tensor);
    }

    public static void Write(Stream stream, Tensor tensor)
    {
        var t = tensor.Detach().Contiguous();
        string descr = t.DType switch
        {
            DType.Float32 => "<f4",
            DType.Float64 => "<f8",
            DType.Int32 => "<i4",
            _ => throw new ArgumentException($"Npy.Write: cannot write {t.DType} tensors."),
        };
        var dims = t.Shape.ToArray();
        string shape = dims.Length == 1 ? $"({dims[0]},)" : "(" + string.Join(", ", dims) + ")";
        var dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}";
        // NumPy pads with spaces and ends with '\n' so the data starts on a 64-byte boundary.
        int total = Magic.Length + 2 + 2 + dict.Length + 1;
        int padded = (total + Alignment - 1) / Alignment * Alignment;
        var header = dict + new string(' ', padded - total) + "\n";

        Span<byte> prefix = stackalloc byte[10];
        Magic.CopyTo(prefix);
        prefix[6] = 1;
        prefix[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(prefix[8..], checked((ushort)header.Length));
        stream.Write(prefix);
        stream.Write(Encoding.Latin1.GetBytes(header));
        // The host is little-endian (x86-64/arm64), matching '<', so the elements are written as they lie in memory.
        switch (t.DType)
        {
            case DType.Float32: stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(t.Span<float>())); break;
            case DType.Float64: stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(t.Span<double>())); break;
            default: stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(t.Span<int>())); break;
        }
    }

    /// <summary>The .npy file for <paramref name="tensor"/> as bytes.</summary>
    public static byte[] ToBytes(Tensor tensor)
    {
        var ms = new MemoryStream();
        Write(ms, tensor);
        return ms.ToArray();
    }

    private static (string Descr, bool Fortran, int[] Dims) ParseHeader(string text, string name)
    {
        var descr = DescrPattern().Match(text);
        var fortran = FortranPattern().Match(text);
        var shape = ShapePattern().Match(text);
        if (!descr.Success)
            throw new InvalidDataException($"{name}: the .npy header has no simple 'descr' (structured arrays are not supported): {text.Trim()}");
        if (!fortran.Success || !shape.Success)
            throw new InvalidDataException($"{name}: malformed .npy header (needs 'descr', 'fortran_order' and 'shape'): {text.Trim()}");
        var parts = shape.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var dims = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i].TrimEnd('L'), NumberStyles.None, CultureInfo.InvariantCulture, out dims[i]))
                throw new InvalidDataException($"{name}: .npy shape entry '{parts[i]}' is not a dimension size below 2^31.");
        }
        return (descr.Groups[1].Value, fortran.Groups[1].Value == "True", dims);
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
