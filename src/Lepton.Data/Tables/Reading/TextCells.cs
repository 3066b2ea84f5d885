namespace Lepton.Data.Tables.Reading;

/// <summary>
/// The text cells of one column as read, in one growing char buffer with an end offset per cell (a complemented offset
/// marks a missing cell): no string per cell, so numeric, boolean and date-time columns are parsed from spans and only
/// categorical, text and identifier columns become strings (each distinct value once).
/// </summary>
internal sealed class TextCells
{
    private char[] _chars = new char[4096];
    private int _used;
    private int[] _ends = new int[1024];

    public int Count { get; private set; }

    public void Add(ReadOnlySpan<char> text)
    {
        if (_chars.Length - _used < text.Length) Grow(text.Length);
        text.CopyTo(_chars.AsSpan(_used));
        _used += text.Length;
        Push(_used);
    }

    public void AddMissing() => Push(~_used);

    public bool IsMissing(int i) => _ends[i] < 0;

    /// <summary>Cell <paramref name="i"/>'s text (empty when missing).</summary>
    public ReadOnlySpan<char> this[int i]
    {
        get
        {
            int end = _ends[i];
            if (end < 0) return default;
            int start = i == 0 ? 0 : _ends[i - 1] < 0 ? ~_ends[i - 1] : _ends[i - 1];
            return _chars.AsSpan(start, end - start);
        }
    }

    /// <summary>Cell <paramref name="i"/> as a string, null when missing.</summary>
    public string? GetString(int i) => IsMissing(i) ? null : new string(this[i]);

    /// <summary>Every cell as a string (null when missing); equal values share one string.</summary>
    public string?[] ToStrings()
    {
        var result = new string?[Count];
        var pool = new Dictionary<string, string>(StringComparer.Ordinal);
        var lookup = pool.GetAlternateLookup<ReadOnlySpan<char>>();
        for (int i = 0; i < Count; i++)
        {
            if (IsMissing(i)) continue;
            var span = this[i];
            if (!lookup.TryGetValue(span, out var s))
            {
                s = new string(span);
                pool[s] = s;
            }
            result[i] = s;
        }
        return result;
    }

    public static TextCells From(IEnumerable<string?> values)
    {
        var cells = new TextCells();
        foreach (var v in values)
        {
            if (v is null) cells.AddMissing();
            else cells.Add(v);
        }
        return cells;
    }

    private void Push(int end)
    {
        if (Count == _ends.Length) Array.Resize(ref _ends, checked(_ends.Length * 2));
        _ends[Count++] = end;
    }

    private void Grow(int needed)
    {
        long size = Math.Max((long)_chars.Length * 2, (long)_used + needed);
        if (size > Array.MaxLength)
        {
            if ((long)_used + needed > Array.MaxLength)
                throw new TableReadException($"A column holds more than {Array.MaxLength:N0} characters of text; split the file into several, or drop the column.");
            size = Array.MaxLength;
        }
        Array.Resize(ref _chars, (int)size);
    }
}
