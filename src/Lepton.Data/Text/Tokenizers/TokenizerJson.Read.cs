using System.Text.Json;

namespace Lepton.Data.Text.Tokenizers;

/// <summary>Reading tokenizer.json: bounded, and only the shapes Lepton can honour.</summary>
public static partial class TokenizerJson
{
    public static TokenizerModel Read(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"{path} does not exist; give a tokenizer.json.");
        if (info.Length > MaxBytes) throw new InvalidDataException($"{path} is {info.Length:N0} bytes, more than the {MaxBytes:N0} a tokenizer.json may have.");
        return Read(File.ReadAllBytes(path));
    }

    public static TokenizerModel Read(ReadOnlySpan<byte> json)
    {
        if (json.Length > MaxBytes) throw new InvalidDataException($"A tokenizer.json of {json.Length:N0} bytes is more than the {MaxBytes:N0} allowed.");
        using var doc = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 32 });
        var root = doc.RootElement;
        if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException("tokenizer.json has no \"model\" object.");
        var type = model.TryGetProperty("type", out var t) ? t.GetString() : null;
        var vocabElement = model.GetProperty("vocab");
        int count = vocabElement.EnumerateObject().Count();
        if (count > MaxVocab) throw new InvalidDataException($"tokenizer.json has {count:N0} tokens, more than the {MaxVocab:N0} allowed.");
        var vocab = new string?[count];
        foreach (var p in vocabElement.EnumerateObject())
        {
            int id = p.Value.GetInt32();
            if ((uint)id >= (uint)count || vocab[id] is not null)
                throw new InvalidDataException($"tokenizer.json vocab gives '{p.Name}' id {id}; ids must be 0..{count - 1}, each used once.");
            vocab[id] = p.Name;
        }
        var specials = new List<string>();
        if (root.TryGetProperty("added_tokens", out var added) && added.ValueKind == JsonValueKind.Array)
            foreach (var a in added.EnumerateArray())
                if (a.TryGetProperty("special", out var s) && s.ValueKind == JsonValueKind.True) specials.Add(a.GetProperty("content").GetString()!);
        switch (type)
        {
            case "BPE":
            {
                if (!ByteLevelPreTokenizer(root))
                    throw new InvalidDataException("tokenizer.json holds a BPE model without a ByteLevel pre-tokenizer; Lepton reads byte-level BPE (GPT-2 style) only.");
                var merges = new List<(string, string)>();
                foreach (var m in model.GetProperty("merges").EnumerateArray())
                {
                    if (m.ValueKind == JsonValueKind.String)
                    {
                        var parts = m.GetString()!.Split(' ');
                        if (parts.Length != 2) throw new InvalidDataException($"tokenizer.json merge '{m.GetString()}' is not two tokens separated by one space.");
                        merges.Add((parts[0], parts[1]));
                    }
                    else if (m.ValueKind == JsonValueKind.Array && m.GetArrayLength() == 2)
                        merges.Add((m[0].GetString()!, m[1].GetString()!));
                    else throw new InvalidDataException($"tokenizer.json merge {m.GetRawText()} is neither \"a b\" nor [\"a\", \"b\"].");
                }
                return new TokenizerModel(TokenizerKind.ByteLevelBpe, Filled(vocab), merges, specials);
            }
            case "WordPiece":
            {
                bool normalizer = root.TryGetProperty("normalizer", out var n) && n.ValueKind == JsonValueKind.Object;
                bool lowercase = normalizer && n.TryGetProperty("lowercase", out var lc) && lc.ValueKind == JsonValueKind.True;
                // Hugging Face: strip_accents null follows lowercase (BERT uncased strips, cased keeps).
                bool stripAccents = normalizer && n.TryGetProperty("strip_accents", out var sa) ? sa.ValueKind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.Null => lowercase,
                    _ => false,
                } : lowercase;
                int maxChars = model.TryGetProperty("max_input_chars_per_word", out var mc) ? mc.GetInt32() : TokenizerModel.DefaultMaxInputCharsPerWord;
                if (model.TryGetProperty("continuing_subword_prefix", out var prefix) && prefix.GetString() != TokenizerModel.ContinuingSubwordPrefix)
                    throw new InvalidDataException($"tokenizer.json WordPiece uses prefix '{prefix.GetString()}'; Lepton reads the BERT prefix '##' only.");
                var model2 = new TokenizerModel(TokenizerKind.WordPiece, Filled(vocab), [], specials, lowercase, maxChars, stripAccents);
                foreach (var needed in new[] { TokenizerModel.Unknown, TokenizerModel.Classification, TokenizerModel.Separator, TokenizerModel.Padding })
                    if (!model2.Ids.ContainsKey(needed)) throw new InvalidDataException($"tokenizer.json WordPiece vocab has no {needed} token.");
                return model2;
            }
            default:
                throw new InvalidDataException($"tokenizer.json model type '{type}' is not supported; Lepton reads byte-level BPE and WordPiece.");
        }
    }

    // Every id 0..count-1 was given exactly once (checked while reading), so no slot is empty.
    private static string[] Filled(string?[] vocab) => Array.ConvertAll(vocab, t => t!);

    private static bool ByteLevelPreTokenizer(JsonElement root)
    {
        if (!root.TryGetProperty("pre_tokenizer", out var p) || p.ValueKind != JsonValueKind.Object) return false;
        var type = p.TryGetProperty("type", out var t) ? t.GetString() : null;
        if (type == "ByteLevel") return true;
        return type == "Sequence" && p.TryGetProperty("pretokenizers", out var list) && list.EnumerateArray().Any(x => x.TryGetProperty("type", out var xt) && xt.GetString() == "ByteLevel");
    }
}
