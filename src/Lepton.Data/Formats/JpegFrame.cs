namespace Lepton.Data.Formats;

/// <summary>One colour component of a frame: its sampling factors, quantization table and decoded sample plane.</summary>
internal sealed class JpegComponent(int id, int h, int v, int quantTable)
{
    public int Id { get; } = id;
    public int H { get; } = h;
    public int V { get; } = v;
    public int QuantTable { get; } = quantTable;

    /// <summary>Blocks per row and column of the plane, padded to whole MCUs as the encoder wrote them.</summary>
    public int BlocksPerLine { get; set; }
    public int BlocksPerColumn { get; set; }

    /// <summary>Real samples per row and column (ceil(image size * factor / max factor)), as libjpeg counts them.</summary>
    public int Width { get; set; }
    public int Height { get; set; }

    public byte[] Plane { get; set; } = [];
    public int Stride => BlocksPerLine * 8;

    /// <summary>Huffman table slots selected by the current scan, and the DC predictor the scan carries.</summary>
    public int DcTable { get; set; }
    public int AcTable { get; set; }
    public int DcPredictor { get; set; }

    /// <summary>True once a scan has filled the plane.</summary>
    public bool Decoded { get; set; }
}

/// <summary>A frame (SOF): image size and components, with the MCU grid derived from the sampling factors.</summary>
internal sealed class JpegFrame
{
    public JpegFrame(int width, int height, int precision, JpegComponent[] components)
    {
        Width = width;
        Height = height;
        Precision = precision;
        Components = components;
        MaxH = components.Max(c => c.H);
        MaxV = components.Max(c => c.V);
        McusPerLine = (width + 8 * MaxH - 1) / (8 * MaxH);
        McusPerColumn = (height + 8 * MaxV - 1) / (8 * MaxV);
        foreach (var c in components)
        {
            c.BlocksPerLine = McusPerLine * c.H;
            c.BlocksPerColumn = McusPerColumn * c.V;
            c.Width = (int)(((long)width * c.H + MaxH - 1) / MaxH);
            c.Height = (int)(((long)height * c.V + MaxV - 1) / MaxV);
        }
    }

    public int Width { get; }
    public int Height { get; }
    public int Precision { get; }
    public JpegComponent[] Components { get; }
    public int MaxH { get; }
    public int MaxV { get; }
    public int McusPerLine { get; }
    public int McusPerColumn { get; }

    /// <summary>Bytes all sample planes need (checked against the size limit before allocation).</summary>
    public long PlaneBytes => Components.Sum(c => (long)c.BlocksPerLine * c.BlocksPerColumn * 64);

    public void AllocatePlanes()
    {
        foreach (var c in Components) c.Plane = new byte[c.BlocksPerLine * c.BlocksPerColumn * 64];
    }
}
