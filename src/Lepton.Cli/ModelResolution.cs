using Lepton.Registry;
using Lepton.Registry.References;

namespace Lepton.Cli;

/// <summary>Turns a <c>--model</c> value (name, name@3, name@alias or folder) into a verified model folder.</summary>
public static class ModelResolution
{
    public static async Task<ResolvedModel> ResolveAsync(string text, string? store, CancellationToken ct)
    {
        var reference = ModelReference.Parse(text);
        if (reference.Kind == ModelReferenceKind.Folder) return new ResolvedModel(null, reference.FolderPath!);
        await using var registry = await ModelRegistry.OpenAsync(store, ct);
        // A bare name that the registry does not know but that is a folder here means that folder.
        if (reference.Kind == ModelReferenceKind.Latest && Directory.Exists(text) && await registry.Store.GetModelAsync(text, ct) is null)
            return new ResolvedModel(null, Path.GetFullPath(text));
        return await registry.ResolveAsync(text, ct);
    }
}
