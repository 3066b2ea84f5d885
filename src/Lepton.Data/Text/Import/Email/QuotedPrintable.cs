namespace Lepton.Data.Text.Import.Email;

/// <summary>Quoted-printable (RFC 2045 6.7): <c>=XX</c> is a byte, <c>=</c> at a line end is a soft break; a malformed escape is kept as written.</summary>
public static class QuotedPrintable
{
    public static byte[] Decode(ReadOnlySpan<byte> input)
    {
        var output = new byte[input.Length];
        int n = 0;
        for (int i = 0; i < input.Length; i++)
        {
            byte b = input[i];
            if (b != '=') { output[n++] = b; continue; }
            // Soft line break: "=" then optional spaces, then CRLF or LF.
            int j = i + 1;
            while (j < input.Length && input[j] is (byte)' ' or (byte)'\t') j++;
            if (j < input.Length && input[j] == '\r') j++;
            if (j < input.Length && input[j] == '\n') { i = j; continue; }
            if (i + 1 >= input.Length) continue; // a lone "=" ending the text is a soft break too
            if (i + 2 < input.Length && Hex(input[i + 1]) is >= 0 and var hi && Hex(input[i + 2]) is >= 0 and var lo)
            {
                output[n++] = (byte)(hi * 16 + lo);
                i += 2;
                continue;
            }
            output[n++] = b;
        }
        return output[..n];
    }

    private static int Hex(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        _ => -1,
    };
}
