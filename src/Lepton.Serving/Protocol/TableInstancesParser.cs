using System.Text.Json;
using Lepton.Runtime.Tables;

namespace Lepton.Serving.Protocol;

/// <summary>
/// A convenience predict request to a table model: one object of column values per row, the keys that are not model columns
/// (ignored, and echoed back so a misspelt column is visible), how many top classes to return, and whether to explain each row.
/// </summary>
public sealed record TableInstancesRequest(IReadOnlyList<IReadOnlyDictionary<string, object?>> Rows, IReadOnlyList<string> IgnoredColumns, int? TopK,
    bool Contributions, bool Strict);

/// <summary>
/// Reads <c>{"instances": [{"age": 41, "plan": "pro"}, ...], "top_k": 3, "parameters": {"contributions": true, "strict": true}}</c>.
/// Values are JSON numbers, strings, booleans or null (missing); nested arrays or objects are refused naming the column. Sizes are
/// bounded while reading, before anything is copied: <see cref="TableInputEncoder.MaxCellChars"/> per text value,
/// <see cref="TableInputEncoder.MaxKeysPerRow"/> keys per row, and the server's element limit over all cells.
/// </summary>
public static class TableInstancesParser
{
    private const string Expected = "{\"instances\": [{\"column\": value, ...}, ...]}";

    /// <summary>The most ignored column names a response echoes.</summary>
    public const int MaxIgnoredListed = 20;

    public static TableInstancesRequest Parse(ReadOnlySpan<byte> json, TableInputEncoder table, InferenceParseOptions options)
    {
        ArgumentNullException.ThrowIfNull(table);
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = options.MaxDepth });
        try
        {
            return Read(ref reader, table, options);
        }
        catch (JsonException ex)
        {
            throw ProtocolException.BadRequest($"Malformed JSON request body: {JsonErrors.Describe(ex, options.MaxDepth)}");
        }
    }

    private static TableInstancesRequest Read(ref Utf8JsonReader reader, TableInputEncoder table, InferenceParseOptions options)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            throw ProtocolException.BadRequest($"The request body must be a JSON object: {Expected}.");
        var rows = new List<IReadOnlyDictionary<string, object?>>();
        var ignored = new SortedSet<string>(StringComparer.Ordinal);
        int? topK = null;
        bool contributions = false, strict = false, sawInstances = false;
        long cells = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            string field = reader.GetString()!;
            reader.Read();
            switch (field)
            {
                case "instances":
                    sawInstances = true;
                    if (reader.TokenType != JsonTokenType.StartArray) throw ProtocolException.BadRequest($"'instances' must be a JSON array of row objects: {Expected}.");
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                        rows.Add(ReadRow(ref reader, rows.Count, table, ignored, ref cells, options));
                    break;
                case "top_k":
                    topK = InstancesRequestParser.TopK(ref reader);
                    break;
                case "parameters":
                    var p = JsonParameters.Read(ref reader, "parameters");
                    JsonParameters.CheckKnown(p, "a table request's parameters are contributions and strict", "contributions", "strict");
                    contributions = JsonParameters.Bool(p, "contributions", "parameters");
                    strict = JsonParameters.Bool(p, "strict", "parameters");
                    break;
                default:
                    throw ProtocolException.BadRequest($"Unknown field '{InferenceRequestParser.Clip(field)}'; a table request has instances, top_k and parameters.");
            }
        }
        if (reader.Read()) throw ProtocolException.BadRequest("Malformed JSON request body: content follows the closing brace of the request object.");
        if (!sawInstances || rows.Count == 0) throw ProtocolException.BadRequest($"No rows: send {Expected}.");
        return new TableInstancesRequest(rows, [.. ignored], topK, contributions, strict);
    }

    private static Dictionary<string, object?> ReadRow(ref Utf8JsonReader reader, int index, TableInputEncoder table, SortedSet<string> ignored, ref long cells,
        InferenceParseOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
            throw ProtocolException.BadRequest(
                $"instances[{index}] is {Describe(reader.TokenType)}; a table model takes each row as an object of column values, e.g. {{\"{table.Columns[0].Name}\": ...}} (encoded feature vectors go to POST /v2/models/{{name}}/infer as input 'features').");
        var row = new Dictionary<string, object?>(StringComparer.Ordinal);
        int keys = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            if (++keys > table.MaxKeysPerRow)
                throw ProtocolException.BadRequest($"instances[{index}] has more than {table.MaxKeysPerRow:N0} columns, the limit for a model of {table.Columns.Count} columns; send the model's columns.");
            if (++cells > options.MaxElements)
                throw ProtocolException.BadRequest($"The rows hold more than {options.MaxElements:N0} values, the server's limit; send fewer rows per request.");
            if (reader.ValueSpan.Length > TableInputEncoder.MaxCellChars * 3)
                throw ProtocolException.BadRequest($"instances[{index}] has a column name longer than {TableInputEncoder.MaxCellChars:N0} characters.");
            string name = reader.GetString()!;
            reader.Read();
            if (!table.IsColumn(name) && table.IsLogged(name) && reader.TokenType is not (JsonTokenType.StartArray or JsonTokenType.StartObject))
            {
                // Not read by the model, kept for the log (a column training excluded, compared on by monitoring).
                if (!row.TryAdd(name, Value(ref reader, index, name))) throw ProtocolException.BadRequest($"instances[{index}] gives column '{name}' twice; send each column once.");
                continue;
            }
            if (!table.IsColumn(name))
            {
                // Ignored whatever it holds (a nested record travels along unread).
                if (reader.TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject) reader.Skip();
                if (ignored.Count < MaxIgnoredListed) ignored.Add(InferenceRequestParser.Clip(name));
                continue;
            }
            object? value = Value(ref reader, index, name);
            if (!row.TryAdd(name, value)) throw ProtocolException.BadRequest($"instances[{index}] gives column '{name}' twice; send each column once.");
        }
        return row;
    }

    // A cell: the value the encoders take (double, string, bool, null); anything nested is refused before it is read.
    private static object? Value(ref Utf8JsonReader reader, int index, string column)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null: return null;
            case JsonTokenType.True: return true;
            case JsonTokenType.False: return false;
            case JsonTokenType.Number:
                return JsonNumber.TryGetDouble(ref reader, out double d) && double.IsFinite(d) ? d
                    : throw ProtocolException.BadRequest($"instances[{index}] column '{InferenceRequestParser.Clip(column)}' is a number outside the range of a double.");
            case JsonTokenType.String:
                // A character takes 1 to 6 bytes as JSON (\uXXXX), so the raw length bounds the text before it is decoded.
                long length = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
                if (length > 6L * TableInputEncoder.MaxCellChars || (length > TableInputEncoder.MaxCellChars && reader.GetString()!.Length > TableInputEncoder.MaxCellChars))
                    throw ProtocolException.BadRequest(
                        $"instances[{index}] column '{InferenceRequestParser.Clip(column)}' holds more than {TableInputEncoder.MaxCellChars:N0} characters, the limit of one cell.");
                return reader.GetString();
            default:
                throw ProtocolException.BadRequest(
                    $"instances[{index}] column '{InferenceRequestParser.Clip(column)}' is {Describe(reader.TokenType)}; a cell is a number, a string, true/false or null (missing).");
        }
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartArray => "a JSON array",
        JsonTokenType.StartObject => "a JSON object",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        _ => $"JSON {token.ToString().ToLowerInvariant()}",
    };
}
