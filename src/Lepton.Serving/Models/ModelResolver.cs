using Lepton.Registry;

namespace Lepton.Serving.Models;

/// <summary>Turns a reference (<c>fashion@production</c>, a folder) into a verified model folder; <see cref="ModelRegistry.ResolveAsync"/> is one.</summary>
public delegate Task<ResolvedModel> ModelResolver(string reference, CancellationToken ct);
