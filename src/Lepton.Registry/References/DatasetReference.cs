using System.Globalization;
using Lepton.Registry.Store;

namespace Lepton.Registry.References;

/// <summary>
/// A data set version as users name it on every <c>lepton data</c> verb: <c>name@3</c>, or <c>name</c> (or <c>name@latest</c>)
/// for the latest version. The text is checked completely before the store is asked.
/// </summary>
public sealed record DatasetReference(string Name, int? Version)
{
    public static DatasetReference Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new ArgumentException("A data set reference is empty: give NAME or NAME@VERSION (e.g. photos@2).");
        int at = text.LastIndexOf('@');
        string name = at < 0 ? text : text[..at];
        StoreNames.Check(name, "dataset");
        if (at < 0) return new DatasetReference(name, null);
        var number = text[(at + 1)..];
        if (number == ModelReference.Latest) return new DatasetReference(name, null);
        if (!int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out int version) || version < 1)
            throw new ArgumentException($"'{text}' is not NAME@VERSION: the version '{number}' is not a number from 1 (e.g. {name}@1); see lepton data list {name}.");
        return new DatasetReference(name, version);
    }

    /// <summary>The version this reference names; an unknown name or version is an error that says how to list them.</summary>
    public async Task<DatasetVersion> ResolveAsync(IRegistryStore store, CancellationToken ct = default)
    {
        if (Version is { } v)
            return await store.GetDatasetVersionAsync(Name, v, ct)
                   ?? throw new KeyNotFoundException($"Dataset '{Name}' has no version {v}; see lepton data list {Name}.");
        var all = await store.ListDatasetVersionsAsync(Name, ct);
        return all.Count == 0
            ? throw new KeyNotFoundException($"No dataset named '{Name}' in the registry; import one with lepton data import PATH --name {Name}, or see lepton data list.")
            : all.MaxBy(x => x.Version)!;
    }

    public override string ToString() => Version is { } v ? $"{Name}@{v}" : Name;
}
