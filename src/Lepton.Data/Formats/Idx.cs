using System.Buffers.Binary;
using System.IO.Compression;
using Lepton.Engine;

namespace Lepton.Data.Formats;

/// <summary>
/// Reader for IDX files (the MNIST format): magic 00 00 TYPE NDIMS, NDIMS big-endian int32 sizes, then the
/// big-endian payload. Plain or gzip, told apart by the gzip magic (1f 8b), not by the file name.
/// </summary>
public static class Idx
{
    private const int MaxRank = 16;

    /// <summary>Reads an IDX file; errors start with the file name.</summary>
    public static IdxArray Read(string path)
    {
        using var file = File.OpenRead(path);
        return Read(file, Path.GetFileName(path));
    }

    /// <summary>Reads an IDX file and returns it as a float32 tensor (values times <paramref name="scale"/>).</summary>
    public static Tensor ReadFloat32(string path, float scale = 1f) => Read(path).ToFloat32(scale);

    /// <summary>Reads IDX data from a stream; <paramref name="name"/> prefixes error messages.</summary>
    public static IdxArray Read(Stream stream, string name = "IDX data")
    {
        var head = new byte[2];
        int got = stream.ReadAtLeast(head, 2, throwOnEndOfStream: false);
        Stream body = new PrefixedStream(head.AsMemory(0, got), stream);
        bool gzip = got == 2 && head[0] == 0x1f && head[1] == 0x8b;
        if (gzip) body = new GZipStream(body, CompressionMode.Decompress);
        try
        {
            return ReadPlain(body, name);
        }
        catch (InvalidDataException ex) when (gzip && !ex.Message.StartsWith(name + ":", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{name}: corrupt gzip stream ({ex.Message}).", ex);
        }
        finally
        {
            if (gzip) body.Dispose();
        }
    }

    private static IdxArray ReadPlain(Stream s, string name)
    {
        var magic = new byte[4];
        int got = s.ReadAtLeast(magic, 4, throwOnEndOfStream: false);
        if (got < 4)
            throw new InvalidDataException($"{name}: truncated: an IDX file starts with a 4-byte magic number, file has {got} bytes.");
        if (magic[0] != 0 || magic[1] != 0 || !Enum.IsDefined((IdxDataType)magic[2]) || magic[3] == 0 || magic[3] > MaxRank)
            throw new InvalidDataException(
                $"{name}: not an IDX file (magic bytes {magic[0]:x2} {magic[1]:x2} {magic[2]:x2} {magic[3]:x2}; expected 00 00, a type byte 08/09/0b/0c/0d/0e, and 1..{MaxRank} dimensions).");
        var type = (IdxDataType)magic[2];
        int rank = magic[3];

        var dimBytes = new byte[4 * rank];
        got = s.ReadAtLeast(dimBytes, dimBytes.Length, throwOnEndOfStream: false);
        if (got < dimBytes.Length)
            throw new InvalidDataException($"{name}: truncated: header declares {rank} dimensions ({dimBytes.Length} bytes), file has {got} bytes after the magic number.");
        var dims = new int[rank];
        long numel = 1;
        for (int i = 0; i < rank; i++)
        {
            int d = BinaryPrimitives.ReadInt32BigEndian(dimBytes.AsSpan(4 * i));
            if (d < 0) throw new InvalidDataException($"{name}: dimension {i} is negative ({d}); the header is corrupt.");
            dims[i] = d;
            numel *= d;
            if (numel > int.MaxValue) break;
        }
        string declared = string.Join("x", dims);
        long bytes = numel * IdxArray.ElementSize(type);
        if (numel > int.MaxValue || bytes > Array.MaxLength)
            throw new InvalidDataException($"{name}: header declares {declared} {type} values, more than one array can hold; the file is corrupt or too large.");

        var data = ReadPayload(s, (int)bytes, out int available);
        if (available < bytes)
            throw new InvalidDataException($"{name}: truncated: header declares {declared} = {bytes:N0} bytes, file has {available:N0}.");
        if (s.ReadByte() >= 0)
            throw new InvalidDataException($"{name}: header declares {declared} = {bytes:N0} bytes, but the file has more data after them; the header or the file is corrupt.");
        return new IdxArray(type, new Shape(dims), data);
    }

    /// <summary>Reads up to <paramref name="size"/> bytes, growing the buffer as data arrives so a lying header cannot force a huge allocation.</summary>
    private static byte[] ReadPayload(Stream s, int size, out int available)
    {
        var buffer = new byte[Math.Min(size, 1 << 24)];
        int filled = 0;
        while (filled < size)
        {
            if (filled == buffer.Length)
                Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, size));
            int n = s.Read(buffer, filled, buffer.Length - filled);
            if (n == 0) break;
            filled += n;
        }
        available = filled;
        return buffer;
    }

    /// <summary>Replays bytes already read for format sniffing, then continues with the underlying stream.</summary>
    private sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream inner) : Stream
    {
        private ReadOnlyMemory<byte> _prefix = prefix;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_prefix.IsEmpty) return inner.Read(buffer);
            int n = Math.Min(buffer.Length, _prefix.Length);
            _prefix.Span[..n].CopyTo(buffer);
            _prefix = _prefix[n..];
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
