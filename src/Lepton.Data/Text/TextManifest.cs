using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lepton.Data.Text;

/// <summary>
/// What a text data set version holds: its items, the class names, whether an item may have several labels, how the
/// texts were made (<see cref="Recipe"/>: normalization form and e-mail options, part of the identity since they change
/// the texts) and the artifact hash of the UTF-8 blob holding every readable text.
/// </summary>
public sealed record TextManifest(IReadOnlyList<TextItem> Items, IReadOnlyList<string> Classes, bool MultiLabel, string Recipe, string Blob)
{
    public const string Format = "lepton-text-dataset/1";

    /// <summary>SHA-256 (lowercase hex) of the recipe and the items' paths, hashes, labels, splits, groups and folds in path order.</summary>
    public string ContentHash()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            w.WriteStringValue(Format);
            w.WriteStringValue(Recipe);
            foreach (var item in Items.OrderBy(i => i.Path, StringComparer.Ordinal))
            {
                w.WriteStartArray();
                w.WriteStringValue(item.Path);
                w.WriteStringValue(item.Sha256);
                w.WriteStartArray();
                foreach (var l in item.Labels) w.WriteStringValue(l);
                w.WriteEndArray();
                w.WriteStringValue(item.Split);
                w.WriteStringValue(item.Group);
                if (item.Fold is { } f) w.WriteNumberValue(f); else w.WriteNullValue();
                w.WriteEndArray();
            }
            w.WriteEndArray();
        }
        return Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()));
    }

    /// <summary>The manifest as JSON (the artifact a version points to).</summary>
    public byte[] ToJson() => Versioning.ManifestJson.Write(Format, this);

    /// <summary>Reads a manifest written by <see cref="ToJson"/>; another format is an error naming it.</summary>
    public static TextManifest FromJson(ReadOnlySpan<byte> json) => Versioning.ManifestJson.Read<TextManifest>(json, Format, "A text data set manifest");
}

/// <summary>A manifest with its texts: the blob's bytes, read once; <see cref="Text"/> slices an item's text out of it.</summary>
public sealed class TextCorpus(TextManifest manifest, byte[] blob)
{
    public TextManifest Manifest { get; } = manifest;

    /// <summary>The normalized text of a readable item; an item without text is an error naming it.</summary>
    public string Text(TextItem item)
    {
        if (!item.IsReadable)
            throw new InvalidOperationException($"{item.Path} has no text ({item.Problem?.Message ?? "not imported"}).");
        if (item.Offset + item.Bytes > blob.Length)
            throw new InvalidDataException($"{item.Path} points past the end of the text blob ({item.Offset}+{item.Bytes} > {blob.Length}); the version is damaged.");
        return System.Text.Encoding.UTF8.GetString(blob, (int)item.Offset, item.Bytes);
    }

    /// <summary>The same texts under another manifest of the same blob (e.g. the items with other splits).</summary>
    public TextCorpus WithManifest(TextManifest other) => new(other, blob);

    /// <summary>Readable items with their texts, optionally of one split only.</summary>
    public IEnumerable<(TextItem Item, string Text)> Texts(string? split = null) =>
        Manifest.Items.Where(i => i.IsReadable && (split is null || i.Split == split)).Select(i => (i, Text(i)));
}
