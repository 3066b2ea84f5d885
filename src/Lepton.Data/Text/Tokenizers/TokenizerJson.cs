using System.Text.Json;

namespace Lepton.Data.Text.Tokenizers;

/// <summary>
/// Hugging Face's <c>tokenizer.json</c> for the two kinds Lepton trains. Byte-level BPE: model BPE with vocab and merges
/// ("a b" strings, the form every tokenizers version reads; a reader also accepts the newer [a, b] pairs), ByteLevel
/// pre-tokenizer, post-processor and decoder, and the special tokens as added_tokens. WordPiece: model WordPiece with
/// [UNK] and the ## prefix, BertNormalizer, BertPreTokenizer, a TemplateProcessing post-processor that adds [CLS] and
/// [SEP], and the WordPiece decoder. Reading is bounded (<see cref="MaxBytes"/>, <see cref="MaxVocab"/>) and accepts only
/// these shapes: anything else is an error naming what was found.
/// </summary>
public static class TokenizerJson
{
    public const long MaxBytes = 256L << 20;
    public const int MaxVocab = 1_000_000;

    public static byte[] Write(TokenizerModel model)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            bool bpe = model.Kind == TokenizerKind.ByteLevelBpe;
            w.WriteStartObject();
            w.WriteString("version", "1.0");
            w.WriteNull("truncation");
            w.WriteNull("padding");
            w.WriteStartArray("added_tokens");
            foreach (var special in model.SpecialTokens)
            {
                w.WriteStartObject();
                w.WriteNumber("id", model.Id(special));
                w.WriteString("content", special);
                w.WriteBoolean("single_word", false);
                w.WriteBoolean("lstrip", false);
                w.WriteBoolean("rstrip", false);
                w.WriteBoolean("normalized", false);
                w.WriteBoolean("special", true);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            if (bpe)
            {
                w.WriteNull("normalizer");
                ByteLevelPart(w, "pre_tokenizer", addPrefixSpace: false, trimOffsets: true);
                ByteLevelPart(w, "post_processor", addPrefixSpace: true, trimOffsets: false);
                ByteLevelPart(w, "decoder", addPrefixSpace: true, trimOffsets: true);
            }
            else
            {
                w.WriteStartObject("normalizer");
                w.WriteString("type", "BertNormalizer");
                w.WriteBoolean("clean_text", true);
                w.WriteBoolean("handle_chinese_chars", true);
                w.WriteBoolean("strip_accents", model.StripAccents);
                w.WriteBoolean("lowercase", model.Lowercase);
                w.WriteEndObject();
                w.WriteStartObject("pre_tokenizer");
                w.WriteString("type", "BertPreTokenizer");
                w.WriteEndObject();
                Template(w, model);
                w.WriteStartObject("decoder");
                w.WriteString("type", "WordPiece");
                w.WriteString("prefix", TokenizerModel.ContinuingSubwordPrefix);
                w.WriteBoolean("cleanup", true);
                w.WriteEndObject();
            }
            w.WriteStartObject("model");
            if (bpe)
            {
                w.WriteString("type", "BPE");
                w.WriteNull("dropout");
                w.WriteNull("unk_token");
                w.WriteNull("continuing_subword_prefix");
                w.WriteNull("end_of_word_suffix");
                w.WriteBoolean("fuse_unk", false);
                w.WriteBoolean("byte_fallback", false);
                w.WriteBoolean("ignore_merges", false);
            }
            else
            {
                w.WriteString("type", "WordPiece");
                w.WriteString("unk_token", TokenizerModel.Unknown);
                w.WriteString("continuing_subword_prefix", TokenizerModel.ContinuingSubwordPrefix);
                w.WriteNumber("max_input_chars_per_word", model.MaxInputCharsPerWord);
            }
            w.WriteStartObject("vocab");
            for (int i = 0; i < model.Vocab.Count; i++) w.WriteNumber(model.Vocab[i], i);
            w.WriteEndObject();
            if (bpe)
            {
                w.WriteStartArray("merges");
                foreach (var (a, b) in model.Merges) w.WriteStringValue($"{a} {b}");
                w.WriteEndArray();
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void ByteLevelPart(Utf8JsonWriter w, string name, bool addPrefixSpace, bool trimOffsets)
    {
        w.WriteStartObject(name);
        w.WriteString("type", "ByteLevel");
        w.WriteBoolean("add_prefix_space", addPrefixSpace);
        w.WriteBoolean("trim_offsets", trimOffsets);
        w.WriteBoolean("use_regex", true);
        w.WriteEndObject();
    }

    private static void Template(Utf8JsonWriter w, TokenizerModel model)
    {
        void Piece(string kind, string id, int typeId)
        {
            w.WriteStartObject();
            w.WriteStartObject(kind);
            w.WriteString("id", id);
            w.WriteNumber("type_id", typeId);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        const string cls = TokenizerModel.Classification, sep = TokenizerModel.Separator;
        w.WriteStartObject("post_processor");
        w.WriteString("type", "TemplateProcessing");
        w.WriteStartArray("single");
        Piece("SpecialToken", cls, 0); Piece("Sequence", "A", 0); Piece("SpecialToken", sep, 0);
        w.WriteEndArray();
        w.WriteStartArray("pair");
        Piece("SpecialToken", cls, 0); Piece("Sequence", "A", 0); Piece("SpecialToken", sep, 0); Piece("Sequence", "B", 1); Piece("SpecialToken", sep, 1);
        w.WriteEndArray();
        w.WriteStartObject("special_tokens");
        foreach (var t in new[] { cls, sep })
        {
            w.WriteStartObject(t);
            w.WriteString("id", t);
            w.WriteStartArray("ids"); w.WriteNumberValue(model.Id(t)); w.WriteEndArray();
            w.WriteStartArray("tokens"); w.WriteStringValue(t); w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }

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
