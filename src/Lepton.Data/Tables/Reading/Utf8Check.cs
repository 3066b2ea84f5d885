using System.Buffers;
using System.Text.Unicode;

namespace Lepton.Data.Tables.Reading;

/// <summary>Finds the first invalid UTF-8 sequence in a file (only after a strict decoder refused it), for the message.</summary>
internal static class Utf8Check
{
    /// <summary>The byte offset of the first invalid sequence and its 1-based line; (-1, -1) when the file is valid.</summary>
    public static (long Offset, long Line) FirstInvalid(string path)
    {
        using var stream = File.OpenRead(path);
        var bytes = new byte[1 << 16];
        var chars = new char[1 << 16];
        long offset = 0, line = 1;
        int carry = 0;
        while (true)
        {
            int read = stream.Read(bytes, carry, bytes.Length - carry);
            int available = carry + read;
            bool final = read == 0;
            if (available == 0) return (-1, -1);
            var status = Utf8.ToUtf16(bytes.AsSpan(0, available), chars, out int consumed, out _, false, final);
            line += bytes.AsSpan(0, consumed).Count((byte)'\n');
            if (status == OperationStatus.InvalidData) return (offset + consumed, line);
            offset += consumed;
            carry = available - consumed;
            if (final) return carry == 0 ? (-1, -1) : (offset, line);
            bytes.AsSpan(consumed, carry).CopyTo(bytes);
        }
    }
}
