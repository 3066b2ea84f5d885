namespace Lepton.Data.Formats;

/// <summary>
/// Decodes one sequential (baseline or extended, Huffman-coded) scan into the components' sample planes:
/// Huffman decoding of DC differences and AC run/size pairs, dequantization, IDCT, and restart intervals.
/// An interleaved scan walks MCUs; a single-component scan walks that component's own blocks (T.81 A.2.2).
/// </summary>
internal static class JpegScanDecoder
{
    public static int Decode(byte[] data, int start, string name, JpegFrame frame, JpegComponent[] scan, JpegHuffmanTable?[] dc,
        JpegHuffmanTable?[] ac, ushort[]?[] quant, int restartInterval)
    {
        foreach (var c in scan)
        {
            if (dc[c.DcTable] is null || ac[c.AcTable] is null)
                throw new InvalidDataException($"{name}: corrupt: the scan uses Huffman table DC{c.DcTable}/AC{c.AcTable}, which no DHT segment defined.");
            if (quant[c.QuantTable] is null)
                throw new InvalidDataException($"{name}: corrupt: component {c.Id} uses quantization table {c.QuantTable}, which no DQT segment defined.");
            c.DcPredictor = 0;
        }
        var reader = new JpegBitReader(data, start, name);
        Span<int> block = stackalloc int[64];
        bool single = scan.Length == 1;
        int unitsPerLine = single ? (scan[0].Width + 7) / 8 : frame.McusPerLine;
        int unitLines = single ? (scan[0].Height + 7) / 8 : frame.McusPerColumn;
        int total = unitsPerLine * unitLines, restarts = 0;
        for (int unit = 0; unit < total; unit++)
        {
            if (restartInterval > 0 && unit > 0 && unit % restartInterval == 0)
            {
                reader.Restart(restarts++ & 7);
                foreach (var c in scan) c.DcPredictor = 0;
            }
            int ux = unit % unitsPerLine, uy = unit / unitsPerLine;
            if (single)
            {
                DecodeBlock(ref reader, scan[0], dc, ac, quant, block, ux, uy);
                continue;
            }
            foreach (var c in scan)
                for (int v = 0; v < c.V; v++)
                    for (int h = 0; h < c.H; h++)
                        DecodeBlock(ref reader, c, dc, ac, quant, block, ux * c.H + h, uy * c.V + v);
        }
        foreach (var c in scan) c.Decoded = true;
        return reader.EndOfScan();
    }

    private static void DecodeBlock(scoped ref JpegBitReader reader, JpegComponent c, JpegHuffmanTable?[] dcTables, JpegHuffmanTable?[] acTables,
        ushort[]?[] quantTables, scoped Span<int> block, int bx, int by)
    {
        var q = quantTables[c.QuantTable]!;
        var ac = acTables[c.AcTable]!;
        block.Clear();
        int size = dcTables[c.DcTable]!.Decode(ref reader);
        c.DcPredictor += reader.ReceiveExtend(size);
        block[0] = c.DcPredictor * q[0];
        var zigZag = JpegIdct.ZigZag;
        for (int k = 1; k < 64;)
        {
            int rs = ac.Decode(ref reader);
            int run = rs >> 4, s = rs & 15;
            if (s == 0)
            {
                if (run != 15) break; // end of block
                k += 16;
                continue;
            }
            k += run;
            if (k > 63) throw new InvalidDataException($"{reader.Name}: corrupt entropy-coded data: a coefficient run passes the end of a block near byte {reader.Position}.");
            block[zigZag[k]] = reader.ReceiveExtend(s) * q[k];
            k++;
        }
        JpegIdct.Transform(block, c.Plane, by * 8 * c.Stride + bx * 8, c.Stride);
    }
}
