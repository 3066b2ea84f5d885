using System.Collections.Concurrent;
using Lepton.Registry;
using Lepton.Registry.Store;
using Lepton.Serving.Models;

namespace Lepton.Serving.Tests.Models;

/// <summary>
/// An in-memory stand-in for the registry: versions are folders, aliases are mutable, and a resolve can be held
/// open (to observe the loading state) or made to fail.
/// </summary>
internal sealed class FakeRegistry
{
    private readonly ConcurrentDictionary<(string Model, int Version), string> _versions = new();
    private readonly ConcurrentDictionary<(string Model, string Alias), int> _aliases = new();

    /// <summary>When set, resolves wait for it to complete.</summary>
    public TaskCompletionSource? Gate { get; set; }

    public int Resolves;

    public void Add(string model, int version, string folder) => _versions[(model, version)] = folder;

    public void Point(string model, string alias, int version) => _aliases[(model, alias)] = version;

    public void RemoveAlias(string model, string alias) => _aliases.TryRemove((model, alias), out _);

    public ModelResolver Resolver => ResolveAsync;

    private async Task<ResolvedModel> ResolveAsync(string reference, CancellationToken ct)
    {
        Interlocked.Increment(ref Resolves);
        if (Gate is { } gate) await gate.Task.WaitAsync(ct);
        if (Directory.Exists(reference)) return new ResolvedModel(null, reference);
        var at = reference.IndexOf('@');
        var model = at < 0 ? reference : reference[..at];
        var suffix = at < 0 ? null : reference[(at + 1)..];
        int version = suffix is null
            ? _versions.Keys.Where(k => k.Model == model).Select(k => k.Version).DefaultIfEmpty(0).Max()
            : int.TryParse(suffix, out var v) ? v
            : _aliases.TryGetValue((model, suffix), out var a) ? a
            : throw new KeyNotFoundException($"Model '{model}' has no alias '{suffix}'.");
        if (!_versions.TryGetValue((model, version), out var folder))
            throw new KeyNotFoundException($"Model '{model}' has no version {version}.");
        var record = new ModelVersion(model, version, $"hash{version}", "Sequential", "{}", null, null, "{}", DateTimeOffset.UtcNow, "test");
        return new ResolvedModel(record, folder);
    }
}
