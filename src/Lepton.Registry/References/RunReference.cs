using System.Globalization;
using Lepton.Registry.Store;

namespace Lepton.Registry.References;

/// <summary>
/// A run named on the command line by its id or any unique start of it (<c>lepton runs show 01a24f71c041</c>): ids are time
/// ordered, so runs started within a minute share their first eight digits and a longer start tells them apart.
/// </summary>
public static class RunReference
{
    /// <summary>The run <paramref name="text"/> names; a clear error when none or several match.</summary>
    public static async Task<RunRecord> ResolveAsync(IRegistryStore store, string text, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var id = (text ?? "").Trim().Replace("-", "", StringComparison.Ordinal).ToLowerInvariant();
        if (id.Length == 0 || !id.All(char.IsAsciiHexDigitLower))
            throw new KeyNotFoundException($"'{text}' is not a run id: ids are hex digits, as lepton runs list shows them.");
        if (await store.GetRunAsync(id, ct) is { } exact) return exact;
        var found = await store.FindRunsAsync(id, 6, ct);
        return found.Count switch
        {
            0 => throw new KeyNotFoundException($"No run with id '{text}'; see lepton runs list."),
            1 => found[0],
            _ => throw new KeyNotFoundException(string.Create(CultureInfo.InvariantCulture,
                $"'{text}' starts the ids of {(found.Count > 5 ? "more than 5" : found.Count.ToString(CultureInfo.InvariantCulture))} runs ({string.Join(", ", found.Take(5).Select(r => r.Id))}); give more of the id.")),
        };
    }
}
