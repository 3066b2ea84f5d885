using Lepton.Registry.Store;

namespace Lepton.Serving.Http;

/// <summary>Endpoint metadata: the API key scope an endpoint needs (admin keys hold every scope).</summary>
public sealed record RequiredScope(KeyScopes Scope);
