namespace Lepton.Serving.Protocol;

/// <summary>
/// Names the part of a request an error is about ("inputs[0].data", "input 'image'"). It is formatted only when an error
/// message is written, so a valid request builds no location strings.
/// </summary>
internal readonly struct DataLocation
{
    private const int Named = -1;
    private const int Verbatim = -2;
    private readonly string _text;
    private readonly int _index;
    private readonly string? _suffix;

    private DataLocation(string text, int index, string? suffix)
    {
        _text = text;
        _index = index;
        _suffix = suffix;
    }

    /// <summary>An element of a request array: <c>collection[index]suffix</c>, e.g. inputs[0].data.</summary>
    public static DataLocation Element(string collection, int index, string? suffix = null) => new(collection, index, suffix);

    /// <summary>A named input: input 'image'.</summary>
    public static DataLocation Input(string name) => new(name, Named, null);

    public static implicit operator DataLocation(string text) => new(text, Verbatim, null);

    public override string ToString() => _index switch
    {
        Verbatim => _text,
        Named => $"input '{InferenceRequestParser.Clip(_text)}'",
        _ => $"{_text}[{_index}]{_suffix}",
    };
}
