namespace Lepton.Data.Formats;

/// <summary>
/// Reads the entropy-coded bits of a scan: removes 0xFF00 byte stuffing and stops at the next marker. Bits past a
/// marker or the end of the file read as zeros for peeking, but consuming one is an error (valid data never does).
/// </summary>
internal ref struct JpegBitReader(byte[] data, int start, string name)
{
    private readonly byte[] _data = data;
    private ulong _bits;       // left-aligned bit buffer
    private int _count;        // bits in the buffer, real and padding
    private int _padding;      // zero bits appended after a marker or the end of the file
    private bool _stopped;

    public int Position { get; private set; } = start;
    public readonly string Name => name;

    public int Peek(int n)
    {
        if (_count < n) Fill();
        return (int)(_bits >> (64 - n));
    }

    public void Skip(int n)
    {
        _bits <<= n;
        _count -= n;
        if (_count < _padding) ThrowOutOfData();
    }

    public int Receive(int n)
    {
        if (n == 0) return 0;
        int value = Peek(n);
        Skip(n);
        return value;
    }

    /// <summary>Reads n bits as a signed coefficient (T.81 F.2.2.1 EXTEND).</summary>
    public int ReceiveExtend(int n)
    {
        if (n == 0) return 0;
        if (n > 16) throw new InvalidDataException($"{name}: corrupt entropy-coded data: coefficient size {n} near byte {Position}.");
        int value = Receive(n);
        return value < 1 << (n - 1) ? value - (1 << n) + 1 : value;
    }

    /// <summary>Drops buffered bits and steps over the expected RSTn marker (restart intervals).</summary>
    public void Restart(int expected)
    {
        _bits = 0;
        _count = _padding = 0;
        _stopped = false;
        int marker = SkipToMarker();
        if (marker != 0xD0 + expected)
            throw new InvalidDataException(marker < 0
                ? $"{name}: truncated: the file ends inside the image data (expected restart marker RST{expected})."
                : $"{name}: corrupt: expected restart marker RST{expected}, found marker 0xFF{marker:X2} at byte {Position}.");
        Position += 2;
    }

    /// <summary>Where the main parser resumes after the scan: the next marker (or the end of the file).</summary>
    public int EndOfScan()
    {
        SkipToMarker();
        return Position;
    }

    private int SkipToMarker()
    {
        while (Position + 1 < _data.Length)
        {
            if (_data[Position] == 0xFF && _data[Position + 1] != 0 && _data[Position + 1] != 0xFF) return _data[Position + 1];
            Position++;
        }
        Position = _data.Length;
        return -1;
    }

    private void Fill()
    {
        while (_count <= 56)
        {
            ulong b = 0;
            if (_stopped) _padding += 8;
            else if (Position >= _data.Length)
            {
                _stopped = true;
                continue;
            }
            else
            {
                b = _data[Position];
                if (b == 0xFF)
                {
                    if (Position + 1 < _data.Length && _data[Position + 1] == 0) Position += 2;
                    else
                    {
                        _stopped = true;
                        continue;
                    }
                }
                else Position++;
            }
            _bits |= b << (56 - _count);
            _count += 8;
        }
    }

    private readonly void ThrowOutOfData() =>
        throw new InvalidDataException(Position + 1 >= _data.Length
            ? $"{name}: truncated: the file ends inside the image data at byte {_data.Length}."
            : $"{name}: corrupt: the image data ends early at marker 0xFF{_data[Position + 1]:X2} (byte {Position}).");
}
