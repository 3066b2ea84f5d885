namespace Lepton.Registry.Cluster;

/// <summary>Role names: short printable text, since they go into lock keys, logs and metric labels.</summary>
internal static class LeaderRole
{
    public static string Check(string? role)
    {
        if (string.IsNullOrWhiteSpace(role) || role.Length > 200 || role.Any(ch => ch < ' ' || ch > '~'))
            throw new ArgumentException($"A leader role must be 1..200 printable ASCII characters, e.g. \"alerts\" or \"loop:fashion\", got '{role}'.", nameof(role));
        return role;
    }
}
