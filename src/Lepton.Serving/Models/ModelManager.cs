using Lepton.Registry;
using Lepton.Registry.Cluster;
using Lepton.Registry.References;
using Lepton.Serving.Batching;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lepton.Serving.Models;

/// <summary>
/// Hosts the served models: loads and warms up each version before it takes requests, hands out
/// <see cref="ModelLease"/>s (with the canary split), follows registry aliases and swaps new versions in
/// without dropping a request, and never lets a version that fails to load replace the serving one.
/// </summary>
public sealed partial class ModelManager : IAsyncDisposable
{
    private readonly IModelSource _source;
    private readonly ILogger _logger;
    private readonly Dictionary<string, ServedModel> _models = new(StringComparer.Ordinal);
    // What requests look models up in, without taking _gate: a copy of _models published under the lock after each
    // change (every request used to take the lock, and at 10K requests/s on two cores it was the hottest contention).
    private volatile Dictionary<string, ServedModel> _published = new(StringComparer.Ordinal);

    // Called under _gate after _models changed.
    private void Publish() => _published = new Dictionary<string, ServedModel>(_models, StringComparer.Ordinal);
    private readonly object _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task? _following;
    private bool _disposed;

    /// <summary>
    /// Serves models from the registry; alias polls read only the alias records, and on a shared store alias notices apply
    /// promotes at once. Without <see cref="ModelManagerOptions.Predictors"/> it also serves ensembles of this registry's
    /// versions (<see cref="RegistryPredictors"/>).
    /// </summary>
    public ModelManager(ModelRegistry registry, ModelManagerOptions? options = null, ILogger<ModelManager>? logger = null)
        : this(registry, options, feed: null, logger)
    {
    }

    /// <summary>As above, hearing of alias moves from <paramref name="feed"/> (tests) instead of the store's own feed.</summary>
    internal ModelManager(ModelRegistry registry, ModelManagerOptions? options, IAliasChangeFeed? feed, ILogger? logger)
        : this(new RegistryModelSource(registry ?? throw new ArgumentNullException(nameof(registry))),
            (options ?? new ModelManagerOptions()) with { Predictors = options?.Predictors ?? RegistryPredictors.Create(registry) }, logger)
    {
        ListenForAliasChanges(registry.Store, feed);
    }

    /// <summary>Serves models found by <paramref name="resolver"/> (tests, custom stores); each poll resolves followed references again.</summary>
    public ModelManager(ModelResolver resolver, ModelManagerOptions? options = null, ILogger<ModelManager>? logger = null)
        : this(new ResolverModelSource(resolver ?? throw new ArgumentNullException(nameof(resolver))), options, logger)
    {
    }

    private ModelManager(IModelSource source, ModelManagerOptions? options, ILogger? logger)
    {
        _source = source;
        Options = options ?? new ModelManagerOptions();
        _logger = logger ?? NullLogger.Instance;
    }

    public ModelManagerOptions Options { get; }

    /// <summary>Per-version batching counters for the metrics endpoint.</summary>
    public ServingMetrics Metrics { get; } = new();

    /// <summary>
    /// Resolves the reference, loads and warms up the version, and only then marks the model ready; the canary,
    /// when given, is loaded next. Throws <see cref="ModelLoadException"/> when the primary version cannot be
    /// served (the model then shows as failed in <see cref="Status"/> and keeps following its alias); a canary
    /// that fails is recorded in the status and logged, and the primary serves all traffic.
    /// </summary>
    public async Task LoadAsync(ModelServeOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var reference = ParseReference(options.Reference, nameof(options.Reference));
        var canary = options.Canary is null ? null : ParseReference(options.Canary, nameof(options.Canary));
        var name = ServedName(options, reference);
        var model = new ServedModel(name, options, reference, canary);
        ServedModel? replaced;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_models.TryGetValue(name, out replaced) && (replaced.Primary is not null || replaced.LoadLock.CurrentCount == 0))
                throw new InvalidOperationException($"Model '{name}' is already served or loading; unload it first, or reload it.");
            _models[name] = model;
            Publish();
            _following ??= Options.PollInterval == Timeout.InfiniteTimeSpan ? Task.CompletedTask : Task.Run(FollowAsync);
        }
        if (replaced is not null) await DrainAsync(replaced).ConfigureAwait(false);

        await LoadRoleAsync(model, VersionRole.Primary, version: null, fresh: true, ct).ConfigureAwait(false);
        if (canary is not null) await TryLoadCanaryAsync(model, fresh: false, ct).ConfigureAwait(false);
    }

    /// <summary>Every served model with its versions, states, canary split and last error, ordered by name.</summary>
    public IReadOnlyList<ModelStatus> Status()
    {
        lock (_gate) return [.. _models.Values.OrderBy(m => m.Name, StringComparer.Ordinal).Select(m => m.Status())];
    }

    /// <summary>The status of one model, or null when no model has that name.</summary>
    public ModelStatus? Status(string name) => Find(name)?.Status();

    /// <summary>True when the model (or the given version of it) takes requests now.</summary>
    public bool IsReady(string name, int? version = null)
    {
        var model = Find(name);
        if (model is null) return false;
        var primary = model.Primary;
        if (version is null) return primary is not null;
        return primary?.Version == version || model.Canary?.Version == version;
    }

    /// <summary>
    /// Holds a version for one request: the named version, or (with <paramref name="version"/> null) the primary
    /// or the canary by the deterministic split. Throws <see cref="ModelNotFoundException"/> for an unknown model
    /// or version and <see cref="ModelNotReadyException"/> while it loads or after it failed.
    /// </summary>
    public ModelLease Acquire(string name, int? version = null)
    {
        var model = Find(name) ?? throw new ModelNotFoundException(UnknownModelMessage(name));
        while (true)
        {
            var (slot, isCanary) = model.Choose(version);
            if (slot.TryLease()) return new ModelLease(slot, isCanary);
            // The slot was released between reading and holding it: a swap finished; the next read sees the new version.
            if (model.IsRemoved) throw new ModelNotFoundException(UnknownModelMessage(name));
        }
    }

    /// <summary>Stops serving the model: new requests get not-found, in-flight ones finish (up to the drain timeout), then memory is released.</summary>
    public async Task UnloadAsync(string name)
    {
        ServedModel? model;
        lock (_gate)
        {
            if (!_models.Remove(name, out model)) throw new ModelNotFoundException(UnknownModelMessage(name));
            Publish();
        }
        await DrainAsync(model).ConfigureAwait(false);
        _logger.LogInformation("Unloaded model {Model}", name);
    }

    /// <summary>
    /// Resolves the model's references again and loads fresh copies (a changed folder, a moved alias); the new
    /// version replaces the old only after it warmed up. Throws <see cref="ModelLoadException"/> when the primary
    /// fails, in which case the serving version keeps serving.
    /// </summary>
    public async Task<ModelStatus> ReloadAsync(string name, CancellationToken ct = default)
    {
        var model = Find(name) ?? throw new ModelNotFoundException(UnknownModelMessage(name));
        await LoadRoleAsync(model, VersionRole.Primary, version: null, fresh: true, ct).ConfigureAwait(false);
        if (model.CanaryReference is not null) await TryLoadCanaryAsync(model, fresh: true, ct).ConfigureAwait(false);
        return model.Status();
    }

    /// <summary>Stops following aliases, lets in-flight requests finish (up to the drain timeout), and releases every version.</summary>
    public async ValueTask DisposeAsync()
    {
        List<ServedModel> models;
        Task? following;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            models = [.. _models.Values];
            _models.Clear();
            Publish();
            following = _following;
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        await StopListeningAsync().ConfigureAwait(false);
        if (following is not null)
        {
            try
            {
                await following.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Expected: the loop ends by cancellation.
            }
        }
        // _stopping is not disposed: a load finishing during shutdown may still read its token.
        await Task.WhenAll(models.Select(DrainAsync)).ConfigureAwait(false);
    }

    private ServedModel? Find(string name) => _published.GetValueOrDefault(name);

    private string UnknownModelMessage(string name)
    {
        string served;
        lock (_gate)
        {
            var names = _models.Keys.Order(StringComparer.Ordinal).ToList();
            served = names.Count == 0 ? "none" : string.Join(", ", names.Take(20)) + (names.Count > 20 ? $" and {names.Count - 20} more" : "");
        }
        // Names come from URLs: echo only a valid name, never arbitrary client text.
        var shown = ModelName.IsValid(name) ? $"'{name}'" : "with that name (it is not a valid model name)";
        return $"No model {shown} is served; served models: {served}.";
    }

    private static ModelReference ParseReference(string text, string field)
    {
        try
        {
            return ModelReference.Parse(text);
        }
        catch (ModelNameException e)
        {
            throw new ArgumentException(e.Message, field, e);
        }
    }

    /// <summary>The served name: the option, else the reference's model name, else the folder's name.</summary>
    private static string ServedName(ModelServeOptions options, ModelReference reference)
    {
        var name = options.Name ?? reference.Name ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(reference.FolderPath!)));
        try
        {
            ModelName.Validate(name);
        }
        catch (ModelNameException e)
        {
            throw new ArgumentException($"{e.Message} Give the model a valid name with ModelServeOptions.Name (--name).", nameof(options), e);
        }
        return name;
    }

    /// <summary>Detaches every version of a removed model, waits for in-flight requests (up to the drain timeout), then releases them.</summary>
    private async Task DrainAsync(ServedModel model)
    {
        var (held, all) = model.Detach();
        foreach (var slot in held) slot.Release();
        var drained = Task.WhenAll(all.Select(s => s.Released));
        try
        {
            await drained.WaitAsync(Options.Drain).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _logger.LogWarning("Model {Model}: requests still running after the {Seconds} s drain timeout; releasing it anyway",
                model.Name, Options.Drain.TotalSeconds);
            await Task.WhenAll(all.Select(s => s.ReleaseNowAsync())).ConfigureAwait(false);
        }
    }
}
