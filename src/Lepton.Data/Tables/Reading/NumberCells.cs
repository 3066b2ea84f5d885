namespace Lepton.Data.Tables.Reading;

/// <summary>
/// The cells of a text column parsed as numbers while it is read (NaN for a missing cell), kept instead of its text while every
/// cell is a number: most columns of a wide table are, and parsing once beats storing each cell's characters and parsing later.
/// </summary>
internal sealed class NumberCells
{
    private double[] _values = new double[1024];

    public int Count { get; private set; }

    /// <summary>Cells that are not missing.</summary>
    public int Present { get; private set; }

    public void Add(double value)
    {
        if (Count == _values.Length) Array.Resize(ref _values, checked(_values.Length * 2));
        _values[Count++] = value;
        Present++;
    }

    public void AddMissing()
    {
        if (Count == _values.Length) Array.Resize(ref _values, checked(_values.Length * 2));
        _values[Count++] = double.NaN;
    }

    /// <summary>
    /// Makes room for <paramref name="cells"/> cells at once: growing a wide table's columns by doubling allocates every column's
    /// array several times, and the young ones are copied by each collection while they live (seconds of GC on Fashion-MNIST).
    /// </summary>
    public void Reserve(int cells)
    {
        if (cells > _values.Length) Array.Resize(ref _values, cells);
    }

    /// <summary>The values, NaN where missing, in an array of exactly <see cref="Count"/> (the buffer itself when it fits).</summary>
    public double[] ToArray()
    {
        if (_values.Length != Count) Array.Resize(ref _values, Count);
        return _values;
    }
}
