using System.Text.Json;
using System.Text.Json.Nodes;
using Lepton.Registry.Artifacts;
using Lepton.Registry.References;

namespace Lepton.Registry.Packaging;

/// <summary>One file of a stored model: the SHA-256 of its bytes and its size.</summary>
public sealed record ManifestFile(string Sha256, long Size);

/// <summary>
/// The manifest blob of a stored model folder: its format and every file by relative path ('/'-separated,
/// at most one folder deep). Its own SHA-256 is the model version's artifact hash.
/// </summary>
public sealed record ModelManifest(IReadOnlyDictionary<string, ManifestFile> Files)
{
    public const string FormatName = "lepton-model";
    public const int FormatVersion = 1;

    public long TotalSize => Files.Values.Sum(f => f.Size);

    /// <summary>Canonical JSON (files in ordinal order), so the same folder always gives the same manifest hash.</summary>
    public string ToJson()
    {
        var files = new JsonObject();
        foreach (var (path, file) in Files.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            files[path] = new JsonObject { ["sha256"] = file.Sha256, ["size"] = file.Size };
        var root = new JsonObject { ["format"] = FormatName, ["format_version"] = FormatVersion, ["files"] = files };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Parses and validates a manifest; every path and hash is checked, since manifests also arrive in archives.</summary>
    public static ModelManifest Parse(string json, string source)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Model manifest {source} is not valid JSON: {e.Message}");
        }
        if (root is not JsonObject obj || obj["format"]?.GetValueKind() != JsonValueKind.String || (string?)obj["format"] != FormatName)
            throw new InvalidDataException($"Artifact {source} is not a model manifest (its \"format\" is not \"{FormatName}\").");
        if (obj["format_version"] is not JsonValue v || !v.TryGetValue(out int version) || version < 1 || version > FormatVersion)
            throw new InvalidDataException($"Model manifest {source} has an unsupported format_version; this build reads version {FormatVersion}.");
        if (obj["files"] is not JsonObject files)
            throw new InvalidDataException($"Model manifest {source} has no \"files\" object.");
        var result = new Dictionary<string, ManifestFile>(StringComparer.Ordinal);
        foreach (var (path, node) in files)
        {
            ValidatePath(path, source);
            string? hash = node?["sha256"] is JsonValue h && h.TryGetValue(out string? hs) ? hs : null;
            long size = node?["size"] is JsonValue s && s.TryGetValue(out long ss) ? ss : -1;
            if (!ArtifactHash.IsValid(hash) || size < 0)
                throw new InvalidDataException($"Model manifest {source}: entry {ModelName.Quote(path)} needs a sha256 (64 hex) and a size (>= 0).");
            result[path] = new ManifestFile(hash!, size);
        }
        return new ModelManifest(result);
    }

    /// <summary>A relative path of one or two plain names; the same rule as model names keeps it inside its folder.</summary>
    public static void ValidatePath(string path, string source)
    {
        var parts = path.Split('/');
        if (parts.Length > 2)
            throw new InvalidDataException($"Model manifest {source}: {ModelName.Quote(path)} is nested deeper than one folder.");
        foreach (var part in parts)
        {
            if (ModelName.Check(part, "file name") is { } error) throw new InvalidDataException($"Model manifest {source}: {error}");
        }
    }
}
