using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lepton.Data.Images.Datasets;

/// <summary>
/// What an image data set version holds: its items (files, labels, splits), the class names and where the decoded
/// pixels are. The version's content hash covers the items' paths, file hashes, labels, splits, groups and folds, so the
/// same files with the same labels give the same version wherever the folder lies.
/// </summary>
public sealed record ImageManifest(IReadOnlyList<ImageItem> Items, IReadOnlyList<string> Classes, ImagePixels Pixels)
{
    public const string Format = "lepton-image-dataset/1";

    /// <summary>SHA-256 (lowercase hex) of the canonical identity of the items, in path order.</summary>
    public string ContentHash()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            foreach (var item in Items.OrderBy(i => i.Path, StringComparer.Ordinal))
            {
                w.WriteStartArray();
                w.WriteStringValue(item.Path);
                w.WriteStringValue(item.Sha256);
                w.WriteStringValue(item.Label);
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
    public static ImageManifest FromJson(ReadOnlySpan<byte> json) => Versioning.ManifestJson.Read<ImageManifest>(json, Format, "An image data set manifest");
}
