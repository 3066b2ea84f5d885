using System.Text.Json.Nodes;
using Lepton.Registry;
using Lepton.Registry.References;
using Lepton.Registry.Store;
using Lepton.Runtime;
using Lepton.Runtime.Ensembles;

namespace Lepton.Compression.Ensembles;

/// <summary>A registered ensemble: its version, its signature and its members pinned to versions and artifacts.</summary>
public sealed record EnsembleOutcome(ModelVersion Version, PredictorSignature Signature, EnsembleVote Vote, IReadOnlyList<EnsembleMember> Members);

/// <summary>
/// Makes an ensemble of registered versions a model version of its own: each member reference (<c>a@3</c>, <c>a@production</c>,
/// <c>a</c>) is pinned to its version and artifact, the members are loaded to check that they share the input signature and
/// suit the vote, and the ensemble folder (model.json + ensemble.json) is registered under <c>name</c>.
/// </summary>
public static class ModelEnsembles
{
    /// <summary>Splits an <c>--of</c> value, <c>a@3,b@5,c@2</c>, into references.</summary>
    public static IReadOnlyList<string> ParseMembers(string text)
    {
        var members = (text ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (members.Length < 2) throw new ArgumentException($"--of '{text}' names {members.Length} model(s); an ensemble combines at least 2, e.g. --of a@3,b@5,c@2.");
        if (members.Length > EnsembleFile.MaxMembers) throw new ArgumentException($"--of names {members.Length} models; an ensemble may have at most {EnsembleFile.MaxMembers}.");
        return members;
    }

    public static async Task<EnsembleOutcome> CreateAsync(ModelRegistry registry, string name, IReadOnlyList<string> references, EnsembleVote vote, string actor,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(references);
        ModelName.Validate(name);
        var members = new List<(EnsembleMember Member, string Folder)>();
        foreach (var text in references)
        {
            var reference = ModelReference.Parse(text);
            if (reference.Kind == ModelReferenceKind.Folder)
                throw new ArgumentException($"--of {text}: ensemble members are registered versions (name@3), not folders; register it first with lepton models register NAME --from {text}.");
            var version = (await registry.FindAsync(reference, ct))!;
            members.Add((new EnsembleMember($"{version.Model}@{version.Version}", version.ArtifactHash), await registry.Packages.MaterializeAsync(version.ArtifactHash, null, ct)));
        }
        string temp = Path.Combine(Path.GetTempPath(), "lepton-ensemble-" + Guid.NewGuid().ToString("N"));
        try
        {
            var metadata = new JsonObject
            {
                ["model_source"] = $"ensemble of {string.Join(", ", members.Select(m => m.Member.Reference))} ({EnsembleVotes.NameOf(vote)} vote)",
                ["requested_members"] = new JsonArray([.. references.Select(r => (JsonNode?)JsonValue.Create(r))]),
                ["created_utc"] = DateTime.UtcNow.ToString("O"),
            };
            var signature = EnsembleFolder.Write(temp, vote, members, PredictorLoader.Default, metadata);
            var registered = await registry.RegisterAsync(name, temp, null, null, actor, ct);
            return new EnsembleOutcome(registered, signature, vote, [.. members.Select(m => m.Member)]);
        }
        finally
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        }
    }
}
