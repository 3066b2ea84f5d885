using System.Runtime.CompilerServices;
using Lepton.Engine;
using Lepton.NN.Serialization;
using Lepton.Runtime.Explanations;
using Lepton.Serving.Models;
using Lepton.Serving.Protocol;

namespace Lepton.Serving.Explanations;

/// <summary>
/// Explains served predictions off the predict path. Images need gradients, so each served Lepton version gets its own float
/// copy of the network, loaded from the version's folder on the first explanation and dropped with the version; one
/// explanation at a time uses a copy (autograd records on it). Texts run their token-occluded copies through the version's
/// own batcher, so they explain exactly what is served. At most <see cref="MaxConcurrent"/> explanations run at once; the
/// rest wait briefly, then get 503, so explanations never take every core from predictions.
/// </summary>
public sealed class ServedExplainer
{
    /// <summary>How long a request waits for a free explanation slot before 503.</summary>
    public static readonly TimeSpan QueueWait = TimeSpan.FromSeconds(10);

    private readonly ConditionalWeakTable<ModelVersionSlot, NetworkCopy> _networks = [];
    private readonly SemaphoreSlim _running;

    public ServedExplainer(int? maxConcurrent = null)
    {
        MaxConcurrent = maxConcurrent ?? Math.Max(1, Environment.ProcessorCount / 2);
        _running = new SemaphoreSlim(MaxConcurrent, MaxConcurrent);
    }

    /// <summary>Explanations computed at the same time, at most.</summary>
    public int MaxConcurrent { get; }

    /// <summary>Grad-CAM, saliency and occlusion for one raw image (1,C,H,W) of pixels 0..255, for <paramref name="cls"/> or the predicted class.</summary>
    public async Task<Explanation> ExplainImageAsync(ModelLease lease, Tensor raw, int? cls, CancellationToken ct)
    {
        if (lease.Kind != Runtime.LeptonModelKind.KindName)
            throw ProtocolException.BadRequest(
                $"Model '{lease.Name}' is served by the {lease.Kind} runtime; image explanations need the gradients of a Lepton network. Explain its Lepton parent version instead.");
        var x = lease.Preprocess(new Runtime.TensorSet(raw))[0].To(DType.Float32);
        var copy = _networks.GetValue(lease.Slot, s => new NetworkCopy(s.Folder));
        return await RunAsync(() =>
        {
            lock (copy)
            {
                var network = copy.Load();
                ImageExplainer.CheckExplainable(network.Spec, $"Model '{lease.Name}' version {lease.VersionLabel}");
                return ImageExplainer.Explain(network.Model, x, network.Spec.ClassNames.Count > 0 ? network.Spec.ClassNames : lease.ClassNames, cls, null, ct);
            }
        }, ct).ConfigureAwait(false);
    }

    /// <summary>Token attributions of one text through the version's batcher.</summary>
    public async Task<TextExplanation> ExplainTextAsync(ModelLease lease, string text, int? cls, CancellationToken ct)
    {
        var encoder = lease.ProtocolSignature.Text ?? throw ProtocolException.BadRequest($"Model '{lease.Name}' is not a text model.");
        if (!lease.Signature.IsClassifier)
            throw ProtocolException.BadRequest($"Model '{lease.Name}' answers {lease.Signature.Kind}; token attributions explain classifiers.");
        await EnterAsync(ct).ConfigureAwait(false);
        try
        {
            return await TextExplainer.ExplainAsync(encoder, lease.ClassNames, text, (inputs, token) => lease.InferAsync(lease.Preprocess(inputs), token), cls, ct)
                .ConfigureAwait(false);
        }
        catch (ArgumentException ex)
        {
            throw ProtocolException.BadRequest(ex.Message);
        }
        finally
        {
            _running.Release();
        }
    }

    private async Task<T> RunAsync<T>(Func<T> work, CancellationToken ct)
    {
        await EnterAsync(ct).ConfigureAwait(false);
        try
        {
            return await Task.Run(work, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ArgumentOutOfRangeException or InvalidDataException)
        {
            throw ProtocolException.BadRequest(Http.ClientText.Scrub(ex.Message));
        }
        finally
        {
            _running.Release();
        }
    }

    private async Task EnterAsync(CancellationToken ct)
    {
        if (!await _running.WaitAsync(QueueWait, ct).ConfigureAwait(false))
            throw new ProtocolException(503, $"All {MaxConcurrent} explanation slots are busy; retry after the Retry-After seconds.", TimeSpan.FromSeconds(2));
    }

    /// <summary>A version's float network, loaded once on first use (its lock serializes the explanations that use it).</summary>
    private sealed class NetworkCopy(string folder)
    {
        private LoadedModel? _loaded;

        public LoadedModel Load() => _loaded ??= ModelFile.Load(folder);
    }
}
