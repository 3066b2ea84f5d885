using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Lepton.Runtime.Ensembles;

/// <summary>What ensemble.json records: the vote and the members, each by registry reference and artifact hash.</summary>
public sealed record EnsembleDescription(EnsembleVote Vote, IReadOnlyList<EnsembleMember> Members);

/// <summary>
/// <c>ensemble.json</c>, the marker file of an ensemble model folder. Reading treats it as hostile: its size is bounded before
/// reading, and the vote, the member count, every reference and every hash are checked.
/// </summary>
public static partial class EnsembleFile
{
    public const string FileName = "ensemble.json";
    public const string Format = "lepton-ensemble";
    public const int FormatVersion = 1;

    /// <summary>The most members an ensemble may have: each is a loaded model, and each request runs them all.</summary>
    public const int MaxMembers = 16;

    private const long MaxBytes = 64 * 1024;

    public static string ToJson(EnsembleDescription description)
    {
        ArgumentNullException.ThrowIfNull(description);
        Validate(description, "ensemble");
        return new JsonObject
        {
            ["format"] = Format,
            ["format_version"] = FormatVersion,
            ["vote"] = EnsembleVotes.NameOf(description.Vote),
            ["members"] = new JsonArray([.. description.Members.Select(m => (JsonNode)new JsonObject { ["reference"] = m.Reference, ["artifact"] = m.Artifact })]),
        }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    /// <summary>Writes <paramref name="folder"/>/ensemble.json atomically.</summary>
    public static void Write(string folder, EnsembleDescription description)
    {
        string path = Path.Combine(folder, FileName);
        File.WriteAllText(path + ".tmp", ToJson(description));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>Reads and checks <paramref name="folder"/>/ensemble.json; throws <see cref="InvalidDataException"/> naming what is wrong.</summary>
    public static EnsembleDescription Read(string folder)
    {
        string path = Path.Combine(folder, FileName);
        var file = new FileInfo(path);
        if (!file.Exists) throw new FileNotFoundException($"{FileName} not found in {folder}; an ensemble folder holds model.json and {FileName}.", path);
        if (file.Length > MaxBytes) throw new InvalidDataException($"{FileName} is {file.Length:N0} bytes, more than the {MaxBytes:N0} an ensemble description may be.");
        return Parse(File.ReadAllText(path));
    }

    public static EnsembleDescription Parse(string json)
    {
        try
        {
            var root = JsonNode.Parse(json) as JsonObject ?? throw new InvalidDataException($"{FileName} is not a JSON object.");
            if (root["format"]?.GetValue<string>() != Format)
                throw new InvalidDataException($"{FileName}: format is '{root["format"]}', expected '{Format}'; this is not a Lepton ensemble.");
            int version = root["format_version"]?.GetValue<int>() ?? 0;
            if (version != FormatVersion)
                throw new InvalidDataException($"{FileName}: format_version {version} is not supported (this Lepton reads {FormatVersion}); upgrade Lepton.");
            string voteText = root["vote"]?.GetValue<string>() ?? throw new InvalidDataException($"{FileName} has no vote.");
            EnsembleVote vote;
            try
            {
                vote = EnsembleVotes.Parse(voteText);
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"{FileName}: {e.Message}");
            }
            if (root["members"] is not JsonArray members) throw new InvalidDataException($"{FileName} has no members array.");
            if (members.Count > MaxMembers) throw new InvalidDataException($"{FileName} lists {members.Count} members, more than {MaxMembers}.");
            var list = members.Select(m => m is JsonObject o
                ? new EnsembleMember(o["reference"]?.GetValue<string>() ?? throw new InvalidDataException($"{FileName}: a member has no reference."),
                    o["artifact"]?.GetValue<string>() ?? throw new InvalidDataException($"{FileName}: a member has no artifact."))
                : throw new InvalidDataException($"{FileName}: members must be objects with reference and artifact.")).ToList();
            var description = new EnsembleDescription(vote, list);
            Validate(description, FileName);
            return description;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{FileName} is not valid JSON ({e.Message}).");
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{FileName}: a field has the wrong type ({e.Message}).");
        }
    }

    // Two or more members, each name@version with a SHA-256, none twice.
    private static void Validate(EnsembleDescription d, string source)
    {
        if (d.Members.Count < 2) throw new InvalidDataException($"{source}: an ensemble needs at least 2 members, got {d.Members.Count}.");
        if (d.Members.Count > MaxMembers) throw new InvalidDataException($"{source}: an ensemble may have at most {MaxMembers} members, got {d.Members.Count}.");
        foreach (var m in d.Members)
        {
            if (!PinnedReference().IsMatch(m.Reference))
                throw new InvalidDataException($"{source}: member '{Shorten(m.Reference)}' is not a registered version (name@3).");
            if (!Sha256Hex().IsMatch(m.Artifact))
                throw new InvalidDataException($"{source}: member {m.Reference} has artifact '{Shorten(m.Artifact)}', not 64 lowercase hex digits.");
        }
        foreach (var twice in d.Members.GroupBy(m => m.Artifact).Where(g => g.Count() > 1))
            throw new InvalidDataException($"{source}: {string.Join(" and ", twice.Select(m => m.Reference))} are the same model; list each member once.");
    }

    private static string Shorten(string s) => s.Length <= 80 ? s : s[..80] + "…";

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,128}@[0-9]{1,9}$")]
    private static partial Regex PinnedReference();

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Hex();
}
