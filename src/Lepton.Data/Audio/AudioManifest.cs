using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lepton.Data.Audio;

/// <summary>
/// What an audio data set version holds: its clips, the class names, the rate every clip was resampled to, how the
/// samples were made (<see cref="Recipe"/>, part of the identity) and the artifact hash of the blob of 16-bit little-endian
/// mono samples of every readable clip.
/// </summary>
public sealed record AudioManifest(IReadOnlyList<AudioItem> Items, IReadOnlyList<string> Classes, int SampleRate, string Recipe, string Blob)
{
    public const string Format = "lepton-audio-dataset/1";

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
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(new Document(Format, this), Options);

    /// <summary>Reads a manifest written by <see cref="ToJson"/>; another format is an error naming it.</summary>
    public static AudioManifest FromJson(ReadOnlySpan<byte> json)
    {
        var doc = JsonSerializer.Deserialize<Document>(json, Options)
                  ?? throw new InvalidDataException("An audio data set manifest is empty.");
        if (doc.Format != Format)
            throw new InvalidDataException($"An audio data set manifest has format '{doc.Format}', expected '{Format}'; upgrade Lepton to read it.");
        return doc.Manifest;
    }

    private sealed record Document(string Format, AudioManifest Manifest);

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}

/// <summary>A manifest with its samples: the blob's bytes, read once; <see cref="Clip"/> decodes one item's samples.</summary>
public sealed class AudioCorpus(AudioManifest manifest, byte[] blob)
{
    public AudioManifest Manifest { get; } = manifest;

    /// <summary>The clip of a readable item at the version's rate; an item without samples is an error naming it.</summary>
    public AudioClip Clip(AudioItem item)
    {
        if (!item.IsReadable)
            throw new InvalidOperationException($"{item.Path} has no samples ({item.Problem ?? "not imported"}).");
        if (item.Offset + 2L * item.Samples > blob.Length)
            throw new InvalidDataException($"{item.Path} points past the end of the sample blob ({item.Offset}+{2L * item.Samples} > {blob.Length}); the version is damaged.");
        var x = new float[item.Samples];
        var bytes = blob.AsSpan((int)item.Offset, 2 * item.Samples);
        for (int i = 0; i < x.Length; i++) x[i] = BinaryPrimitives.ReadInt16LittleEndian(bytes[(2 * i)..]) / 32768f;
        return new AudioClip(x, Manifest.SampleRate);
    }

    /// <summary>The stored 16-bit bytes of a readable item (for hashing decoded content).</summary>
    public ReadOnlySpan<byte> Bytes(AudioItem item) => blob.AsSpan((int)item.Offset, 2 * item.Samples);

    /// <summary>Readable items with their clips, optionally of one split only.</summary>
    public IEnumerable<(AudioItem Item, AudioClip Clip)> Clips(string? split = null) =>
        Manifest.Items.Where(i => i.IsReadable && (split is null || i.Split == split)).Select(i => (i, Clip(i)));
}
