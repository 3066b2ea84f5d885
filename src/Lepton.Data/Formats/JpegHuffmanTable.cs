namespace Lepton.Data.Formats;

/// <summary>
/// A Huffman table from a DHT segment (ITU T.81 Annex C): codes up to 9 bits resolve through one lookup, longer
/// ones through the per-length max-code table, so a symbol costs one peek in the common case.
/// </summary>
internal sealed class JpegHuffmanTable
{
    public const int LookupBits = 9;

    private readonly ushort[] _lookup = new ushort[1 << LookupBits]; // (length << 8) | symbol, 0 = longer code
    private readonly int[] _maxCode = new int[18];                   // largest code of each length, -1 if none
    private readonly int[] _valueOffset = new int[17];               // symbol index of a length's first code, minus that code
    private readonly byte[] _symbols;

    public JpegHuffmanTable(ReadOnlySpan<byte> counts, ReadOnlySpan<byte> symbols, string name)
    {
        _symbols = symbols.ToArray();
        int code = 0, k = 0;
        for (int length = 1; length <= 16; length++)
        {
            int n = counts[length - 1];
            _valueOffset[length] = k - code;
            if (n > 0)
            {
                if (code + n > 1 << length)
                    throw new InvalidDataException($"{name}: corrupt Huffman table: {n} codes of length {length} do not fit.");
                for (int i = 0; i < n; i++, k++, code++)
                {
                    if (length > LookupBits) continue;
                    int shift = LookupBits - length, first = code << shift;
                    for (int fill = 0; fill < 1 << shift; fill++) _lookup[first + fill] = (ushort)(length << 8 | _symbols[k]);
                }
                _maxCode[length] = code - 1;
            }
            else _maxCode[length] = -1;
            code <<= 1;
        }
        _maxCode[17] = int.MaxValue; // sentinel: a code longer than 16 bits is corrupt data
    }

    /// <summary>Reads one symbol from the entropy-coded data.</summary>
    public int Decode(scoped ref JpegBitReader reader)
    {
        int peek = reader.Peek(LookupBits);
        int entry = _lookup[peek];
        if (entry != 0)
        {
            reader.Skip(entry >> 8);
            return entry & 0xFF;
        }
        int bits = reader.Peek(16);
        for (int length = LookupBits + 1; length <= 16; length++)
        {
            int code = bits >> (16 - length);
            if (code <= _maxCode[length])
            {
                reader.Skip(length);
                return _symbols[code + _valueOffset[length]];
            }
        }
        throw new InvalidDataException($"{reader.Name}: corrupt entropy-coded data: no Huffman code matches near byte {reader.Position}.");
    }
}
