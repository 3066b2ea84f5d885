using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Lepton.NN.Serialization;

namespace Lepton.Compression.Lora;

/// <summary>
/// What adapter.json records: rank, alpha, the exact maps adapted, the selectors that chose them, the SHA-256 of the base model's
/// weights.safetensors (an adapter only applies to those weights), the base model's name when it was registered, and the adapter's size.
/// </summary>
public sealed record LoraAdapterInfo(int Rank, double Alpha, IReadOnlyList<string> Targets, string BaseWeightsSha256, string? BaseModel = null,
    IReadOnlyList<string>? Selectors = null, long Parameters = 0);

/// <summary>
/// An adapter on its own: <c>adapter.json</c> and <c>adapter.safetensors</c> (PEFT's tensor names, a few KB), written beside or apart
/// from a model. Reading treats both files as hostile: sizes are bounded before reading, names and numbers are checked.
/// </summary>
public static partial class LoraAdapterFile
{
    public const string InfoFileName = "adapter.json";
    public const string WeightsFileName = "adapter.safetensors";
    public const string Format = "lepton-lora";
    public const int FormatVersion = 1;

    /// <summary>The largest adapter.json read (its target list is the only thing that grows).</summary>
    public const long MaxInfoBytes = 1 << 20;

    /// <summary>The largest adapter.safetensors read: adapters are small; anything bigger is not one.</summary>
    public const long MaxWeightsBytes = 256L << 20;

    private const int MaxTargets = 10_000;

    /// <summary>Writes both files into <paramref name="dir"/> (created if missing), each atomically.</summary>
    public static void Save(string dir, LoraAdapters adapters, string baseWeightsSha256, string? baseModel = null)
    {
        ArgumentNullException.ThrowIfNull(adapters);
        Directory.CreateDirectory(dir);
        SafetensorsWriter.Write(Path.Combine(dir, WeightsFileName), adapters.StateDict(),
            new Dictionary<string, string> { ["format"] = "pt", ["producer"] = "lepton", ["lora_rank"] = adapters.Options.Rank.ToString(CultureInfo.InvariantCulture) });
        var info = new LoraAdapterInfo(adapters.Options.Rank, adapters.Options.Alpha, [.. adapters.Entries.Select(e => e.Target.Name)],
            baseWeightsSha256, baseModel, adapters.Options.Selectors, adapters.ParameterCount);
        // Beside the weights it describes, written last and renamed into place, as model.json is.
        string path = Path.Combine(dir, InfoFileName);
        File.WriteAllText(path + ".tmp", ToJson(info));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    public static string ToJson(LoraAdapterInfo info) => new JsonObject
    {
        ["format"] = Format,
        ["format_version"] = FormatVersion,
        ["rank"] = info.Rank,
        ["alpha"] = info.Alpha,
        ["targets"] = new JsonArray([.. info.Targets.Select(t => (JsonNode?)JsonValue.Create(t))]),
        ["selectors"] = info.Selectors is null ? null : new JsonArray([.. info.Selectors.Select(t => (JsonNode?)JsonValue.Create(t))]),
        ["base_weights_sha256"] = info.BaseWeightsSha256,
        ["base_model"] = info.BaseModel,
        ["parameters"] = info.Parameters,
    }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    /// <summary>True when <paramref name="dir"/> holds adapter.json.</summary>
    public static bool Exists(string dir) => File.Exists(Path.Combine(dir, InfoFileName));

    /// <summary>Reads and validates adapter.json of <paramref name="dir"/>.</summary>
    public static LoraAdapterInfo ReadInfo(string dir)
    {
        string path = Path.Combine(dir, InfoFileName);
        var file = new FileInfo(path);
        if (!file.Exists) throw new FileNotFoundException($"{InfoFileName} not found in {dir}; an adapter folder holds {InfoFileName} and {WeightsFileName}.", path);
        if (file.Length > MaxInfoBytes) throw new InvalidDataException($"{InfoFileName} is {file.Length:N0} bytes, more than the {MaxInfoBytes:N0} an adapter description may be.");
        JsonObject json;
        try
        {
            json = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new InvalidDataException($"{InfoFileName} is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{InfoFileName} is not valid JSON ({e.Message}).");
        }
        return Parse(json);
    }

    internal static LoraAdapterInfo Parse(JsonObject json)
    {
        try
        {
            if (json["format"]?.GetValue<string>() != Format)
                throw new InvalidDataException($"{InfoFileName}: format is '{json["format"]}', expected '{Format}'; this is not a Lepton LoRA adapter.");
            int version = json["format_version"]?.GetValue<int>() ?? 0;
            if (version != FormatVersion)
                throw new InvalidDataException($"{InfoFileName}: format_version {version} is not supported (this Lepton reads {FormatVersion}); upgrade Lepton.");
            int rank = json["rank"]?.GetValue<int>() ?? throw new InvalidDataException($"{InfoFileName} has no rank.");
            double alpha = json["alpha"]?.GetValue<double>() ?? throw new InvalidDataException($"{InfoFileName} has no alpha.");
            try
            {
                new LoraOptions(rank, alpha).Validate();
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"{InfoFileName}: {e.Message}");
            }
            var targets = Strings(json["targets"], "targets") ?? throw new InvalidDataException($"{InfoFileName} has no targets.");
            if (targets.Count == 0) throw new InvalidDataException($"{InfoFileName} lists no targets; an adapter adapts at least one layer.");
            if (targets.Distinct(StringComparer.Ordinal).Count() != targets.Count) throw new InvalidDataException($"{InfoFileName} names a target twice.");
            foreach (var t in targets)
                if (!TargetName().IsMatch(t))
                    throw new InvalidDataException($"{InfoFileName}: target '{t}' is not a layer name (letters, digits, '_' and '.', at most 200 characters).");
            string hash = json["base_weights_sha256"]?.GetValue<string>() ?? throw new InvalidDataException($"{InfoFileName} has no base_weights_sha256.");
            if (!Sha256Hex().IsMatch(hash)) throw new InvalidDataException($"{InfoFileName}: base_weights_sha256 '{hash}' is not 64 lowercase hex digits.");
            string? baseModel = json["base_model"]?.GetValue<string>();
            if (baseModel is { Length: > 300 }) throw new InvalidDataException($"{InfoFileName}: base_model is longer than 300 characters.");
            long parameters = json["parameters"]?.GetValue<long>() ?? 0;
            return new LoraAdapterInfo(rank, alpha, targets, hash, baseModel, Strings(json["selectors"], "selectors"), parameters);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{InfoFileName}: a field has the wrong type ({e.Message}).");
        }
    }

    private static List<string>? Strings(JsonNode? node, string field)
    {
        if (node is null) return null;
        if (node is not JsonArray array) throw new InvalidDataException($"{InfoFileName}: {field} must be an array of names.");
        if (array.Count > MaxTargets) throw new InvalidDataException($"{InfoFileName}: {field} lists {array.Count:N0} entries, more than {MaxTargets:N0}.");
        return [.. array.Select(n => n?.GetValue<string>() ?? throw new InvalidDataException($"{InfoFileName}: {field} holds a null."))];
    }

    /// <summary>Reads adapter.json and adapter.safetensors of <paramref name="dir"/>, bounded in size.</summary>
    public static (LoraAdapterInfo Info, IReadOnlyDictionary<string, Lepton.Engine.Tensor> Weights) Read(string dir)
    {
        var info = ReadInfo(dir);
        string path = Path.Combine(dir, WeightsFileName);
        var file = new FileInfo(path);
        if (!file.Exists) throw new FileNotFoundException($"{WeightsFileName} not found in {dir}; an adapter folder holds {InfoFileName} and {WeightsFileName}.", path);
        if (file.Length > MaxWeightsBytes)
            throw new InvalidDataException($"{WeightsFileName} is {file.Length:N0} bytes, more than the {MaxWeightsBytes:N0} an adapter may be; it is not a LoRA adapter.");
        return (info, SafetensorsReader.Read(path).ToDictionary());
    }

    /// <summary>The SHA-256 (lowercase hex) of a model folder's weights.safetensors: what an adapter records as its base.</summary>
    public static string BaseWeightsHash(string modelFolder)
    {
        string path = Path.Combine(modelFolder, ModelFile.WeightsFileName);
        if (!File.Exists(path)) throw new FileNotFoundException($"{ModelFile.WeightsFileName} not found in {modelFolder}; LoRA adapts Lepton network models.", path);
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    [GeneratedRegex("^[A-Za-z0-9_.]{0,200}$")]
    private static partial Regex TargetName();

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Hex();
}
