using System.Text.Json;
using System.Text.Json.Serialization;
using Lepton.Registry.Store;

namespace Lepton.Registry.Archive;

/// <summary>
/// <c>registry.json</c> of an archive: the models with every version, their aliases with history, the runs the
/// versions came from (with metrics and logs), the dataset versions they name, and every artifact hash included.
/// </summary>
public sealed record RegistryArchiveContents(
    string Format,
    int FormatVersion,
    DateTimeOffset ExportedAt,
    string SourceBackend,
    IReadOnlyList<ArchivedModel> Models,
    IReadOnlyList<ArchivedRun> Runs,
    IReadOnlyList<DatasetVersion> Datasets,
    IReadOnlyList<string> Artifacts)
{
    public const string FormatName = "lepton-registry-archive";
    public const int CurrentFormatVersion = 1;
    public const string EntryName = "registry.json";
    public const string ArtifactFolder = "artifacts/sha256/";

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        // A diverged training run logs NaN or infinite losses; they are records like any other.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static RegistryArchiveContents Parse(string json, string source)
    {
        RegistryArchiveContents? contents;
        try
        {
            contents = JsonSerializer.Deserialize<RegistryArchiveContents>(json, Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: {EntryName} is not a valid registry archive ({e.Message}).");
        }
        if (contents is null || contents.Format != FormatName)
            throw new InvalidDataException($"{source} is not a Lepton registry archive (its {EntryName} format is not \"{FormatName}\").");
        if (contents.Models is null || contents.Runs is null || contents.Datasets is null || contents.Artifacts is null)
            throw new InvalidDataException($"{source}: {EntryName} lacks one of its lists (models, runs, datasets, artifacts); export it again.");
        if (contents.FormatVersion is < 1 or > CurrentFormatVersion)
            throw new InvalidDataException($"{source} is archive format version {contents.FormatVersion}; this build reads up to {CurrentFormatVersion}. Upgrade Lepton.");
        return contents;
    }

    /// <summary>The records to hand to <see cref="IRegistryStore.ImportRecordsAsync"/>, exactly as exported.</summary>
    internal ImportBatch ToImportBatch() => new(
        Datasets,
        Runs.Select(r => new ImportRun(r.Run, r.Metrics, r.Log)).ToList(),
        Models.Select(m => new ImportModel(m.Model, m.Versions, m.Aliases.Select(a => new ImportAlias(a.Alias, a.History)).ToList())).ToList());
}

/// <summary>A model with all its versions (oldest first) and its aliases.</summary>
public sealed record ArchivedModel(ModelRecord Model, IReadOnlyList<ModelVersion> Versions, IReadOnlyList<ArchivedAlias> Aliases);

/// <summary>An alias's current target and every move it made.</summary>
public sealed record ArchivedAlias(AliasRecord Alias, IReadOnlyList<AliasChange> History);

/// <summary>A training run with its metrics and log.</summary>
public sealed record ArchivedRun(RunRecord Run, IReadOnlyList<RunMetric> Metrics, string Log);
