namespace Lepton.Runtime.Ensembles;

/// <summary>One member of an ensemble: its registry reference (<c>name@version</c>) and the SHA-256 of its stored model, which pins its exact files.</summary>
public sealed record EnsembleMember(string Reference, string Artifact)
{
    public override string ToString() => Reference;
}

/// <summary>Finds the verified model folder of a member (the registry materializes its artifact); throws when it cannot.</summary>
public delegate string EnsembleMemberResolver(EnsembleMember member);
