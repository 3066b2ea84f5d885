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
public static partial class TokenizerJson
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
}
