using Lepton.Registry;
using Lepton.Registry.References;

namespace Lepton.Serving.Models;

/// <summary>Where model versions come from: a cheap check of which version a reference names now, and a full resolve to a folder.</summary>
internal interface IModelSource
{
    /// <summary>The version number the reference names now (null for a folder); cheap enough to call every poll.</summary>
    Task<int?> CurrentVersionAsync(ModelReference reference, CancellationToken ct);

    Task<ResolvedModel> ResolveAsync(ModelReference reference, CancellationToken ct);
}

/// <summary>The registry: polls read the alias record only; folders are materialized only for a version not yet served.</summary>
internal sealed class RegistryModelSource(ModelRegistry registry) : IModelSource
{
    public async Task<int?> CurrentVersionAsync(ModelReference reference, CancellationToken ct) =>
        (await registry.FindAsync(reference, ct).ConfigureAwait(false))?.Version;

    public Task<ResolvedModel> ResolveAsync(ModelReference reference, CancellationToken ct) => registry.ResolveAsync(reference.ToString(), ct);
}

/// <summary>A resolver delegate (tests, custom stores): every check is a full resolve.</summary>
internal sealed class ResolverModelSource(ModelResolver resolver) : IModelSource
{
    public async Task<int?> CurrentVersionAsync(ModelReference reference, CancellationToken ct) =>
        (await resolver(reference.ToString(), ct).ConfigureAwait(false)).Version?.Version;

    public Task<ResolvedModel> ResolveAsync(ModelReference reference, CancellationToken ct) => resolver(reference.ToString(), ct);
}
