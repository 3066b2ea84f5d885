using System.Text.Json.Nodes;
using Lepton.NN.Serialization;

namespace Lepton.Runtime.Ensembles;

/// <summary>
/// Writes an ensemble model folder: <c>ensemble.json</c> (vote and members) and a <c>model.json</c> without layers that carries
/// the shared input, the task, the classes and, in its metadata, <c>kind: ensemble</c>, the members and the outputs, so the
/// registry can describe it without loading the members.
/// </summary>
public static class EnsembleFolder
{
    public const string MetadataKind = "ensemble";

    /// <summary>
    /// Loads every member from its folder with <paramref name="loader"/>, checks that they can be combined by
    /// <paramref name="vote"/> (throws <see cref="ArgumentException"/> naming the members that differ), then writes
    /// <paramref name="folder"/>. Returns the ensemble's signature.
    /// </summary>
    public static PredictorSignature Write(string folder, EnsembleVote vote, IReadOnlyList<(EnsembleMember Member, string Folder)> members,
        PredictorLoader? loader = null, JsonObject? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(members);
        var description = new EnsembleDescription(vote, [.. members.Select(m => m.Member)]);
        try
        {
            EnsembleFile.ToJson(description);
        }
        catch (InvalidDataException e)
        {
            throw new ArgumentException(e.Message.Replace("ensemble: ", "", StringComparison.Ordinal), e);
        }
        loader ??= PredictorLoader.Default;
        var loaded = new List<IPredictor>();
        PredictorSignature signature;
        try
        {
            foreach (var (member, memberFolder) in members)
            {
                if (File.Exists(Path.Combine(memberFolder, EnsembleFile.FileName)))
                    throw new ArgumentException($"{member.Reference} is itself an ensemble; list its members in this one instead.");
                loaded.Add(loader.Load(memberFolder));
            }
            signature = EnsembleSignatures.Combine(vote, [.. loaded.Select(p => p.Signature)], [.. members.Select(m => m.Member.Reference)]);
        }
        finally
        {
            foreach (var p in loaded) p.Dispose();
        }
        var first = ModelSpec.FromJson(File.ReadAllText(Path.Combine(members[0].Folder, ModelFile.SpecFileName)), $"{ModelFile.SpecFileName} of {members[0].Member.Reference}");
        if (first.Inputs.Count != 1)
            throw new ArgumentException($"{members[0].Member.Reference} takes {first.Inputs.Count} inputs; ensembles combine single-input models.");
        var meta = metadata is null ? new JsonObject() : (JsonObject)metadata.DeepClone();
        meta["kind"] = MetadataKind;
        meta["ensemble"] = new JsonObject
        {
            ["vote"] = EnsembleVotes.NameOf(vote),
            ["members"] = new JsonArray([.. members.Select(m => (JsonNode?)JsonValue.Create(m.Member.Reference))]),
            ["outputs"] = new JsonArray([.. signature.Outputs.Select(o => (JsonNode)new JsonObject
            {
                ["name"] = o.Name,
                ["shape"] = new JsonArray([.. o.BatchShape.Select(d => (JsonNode?)JsonValue.Create(d))]),
            })]),
        };
        var spec = new ModelSpec
        {
            FormatVersion = 1,
            // Raw values reach the members, which each apply their own preprocessing.
            Input = first.Inputs[0] with { Preprocessing = null },
            Task = signature.Task ?? first.Task,
            ClassNames = signature.ClassNames,
            Metadata = meta,
        };
        Directory.CreateDirectory(folder);
        EnsembleFile.Write(folder, description);
        // model.json last, so a folder with model.json always has its ensemble.json.
        string path = Path.Combine(folder, ModelFile.SpecFileName);
        File.WriteAllText(path + ".tmp", spec.ToJson());
        File.Move(path + ".tmp", path, overwrite: true);
        return signature;
    }
}
