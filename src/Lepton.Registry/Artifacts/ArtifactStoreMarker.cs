using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lepton.Registry.Artifacts;

/// <summary>
/// <c>lepton-artifacts.json</c> at the store root: whether blobs are encrypted and with which key (by fingerprint),
/// so an encrypted store opened without its key fails at once instead of at the first read.
/// </summary>
internal sealed record ArtifactStoreMarker(
    [property: JsonPropertyName("format")] int Format,
    [property: JsonPropertyName("encryption")] string Encryption,
    [property: JsonPropertyName("key_fingerprint")] string? KeyFingerprint)
{
    public const string FileName = "lepton-artifacts.json";
    public const string None = "none";
    public const string AesGcm = "aes-256-gcm";

    public bool Encrypted => Encryption == AesGcm;

    public static ArtifactStoreMarker For(EncryptionKey? key) =>
        key is null ? new(1, None, null) : new(1, AesGcm, key.Fingerprint);

    public static ArtifactStoreMarker? Read(string root)
    {
        var path = Path.Combine(root, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            var marker = JsonSerializer.Deserialize<ArtifactStoreMarker>(File.ReadAllText(path));
            if (marker is null || (marker.Encryption != None && marker.Encryption != AesGcm))
                throw new InvalidDataException($"{path} names an unknown encryption '{marker?.Encryption}'.");
            return marker;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not valid JSON ({e.Message}); restore it from a backup.", e);
        }
    }

    public void Write(string root)
    {
        DurableFileSystem.EnsureDirectory(root);
        var path = Path.Combine(root, FileName);
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
        {
            JsonSerializer.Serialize(fs, this);
            fs.Flush(flushToDisk: true);
        }
        DurableFileSystem.CommitRename(temp, path);
    }
}
