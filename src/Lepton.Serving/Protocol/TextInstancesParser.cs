using System.Text.Json;

namespace Lepton.Serving.Protocol;

/// <summary>A convenience predict request to a text model: the raw texts (one per row) and how many top classes to return.</summary>
public sealed record TextInstancesRequest(IReadOnlyList<string> Texts, int? TopK);

/// <summary>
/// Reads <c>{"instances": ["text", ...], "top_k": 3}</c> or <c>{"text": "one text"}</c>: the strings a text model
/// tokenizes itself. At most <see cref="InferenceParseOptions.MaxElements"/> texts.
/// </summary>
public static class TextInstancesParser
{
    public static TextInstancesRequest Parse(ReadOnlySpan<byte> json, InferenceParseOptions options)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = options.MaxDepth });
        try
        {
            return Read(ref reader, options);
        }
        catch (JsonException ex)
        {
            throw ProtocolException.BadRequest($"Malformed JSON request body: {JsonErrors.Describe(ex, options.MaxDepth)}");
        }
    }

    private const string Expected = "{\"instances\": [\"text\", ...]} or {\"text\": \"...\"}";

    private static TextInstancesRequest Read(ref Utf8JsonReader reader, InferenceParseOptions options)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            throw ProtocolException.BadRequest($"The request body must be a JSON object: {Expected}.");
        var texts = new List<string>();
        int? topK = null;
        bool sawTexts = false;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            string field = reader.GetString()!;
            reader.Read();
            switch (field)
            {
                case "instances":
                    if (sawTexts) throw ProtocolException.BadRequest($"Send the texts once, as 'instances' or as 'text': {Expected}.");
                    sawTexts = true;
                    if (reader.TokenType != JsonTokenType.StartArray) throw ProtocolException.BadRequest("'instances' must be a JSON array of strings.");
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        if (reader.TokenType != JsonTokenType.String)
                            throw ProtocolException.BadRequest($"instances[{texts.Count}] is {reader.TokenType}; a text model takes each instance as a JSON string.");
                        if (texts.Count >= options.MaxElements)
                            throw ProtocolException.BadRequest($"More than {options.MaxElements:N0} instances, the server's limit.");
                        texts.Add(reader.GetString()!);
                    }
                    break;
                case "text":
                    if (sawTexts) throw ProtocolException.BadRequest($"Send the texts once, as 'instances' or as 'text': {Expected}.");
                    sawTexts = true;
                    texts.Add(reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw ProtocolException.BadRequest("'text' must be a JSON string."));
                    break;
                case "top_k":
                    topK = InstancesRequestParser.TopK(ref reader);
                    break;
                default:
                    throw ProtocolException.BadRequest($"Unknown field '{InferenceRequestParser.Clip(field)}'; a text request has instances (or text) and top_k.");
            }
        }
        if (reader.Read()) throw ProtocolException.BadRequest("Malformed JSON request body: content follows the closing brace of the request object.");
        if (texts.Count == 0) throw ProtocolException.BadRequest($"No texts: send {Expected}.");
        return new TextInstancesRequest(texts, topK);
    }
}
