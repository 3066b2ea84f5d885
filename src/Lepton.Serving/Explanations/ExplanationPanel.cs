using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Lepton.Runtime.Explanations;
using Lepton.Serving.Http.Dashboard;
using Lepton.Serving.Models;
using Microsoft.Extensions.Logging;

namespace Lepton.Serving.Explanations;

/// <summary>
/// The dashboard's "Explanations of recent predictions": for the last few image and text predictions of a model, the image with
/// its Grad-CAM, saliency and occlusion maps, or the text with its tokens highlighted. Explanations are computed in the
/// background, one at a time, the first time the page asks for them, and cached by prediction id; until one is ready the page
/// says so (it refreshes itself). A page view never waits for an explanation, and /predict never computes one.
/// </summary>
public sealed class ExplanationPanel(ModelManager models, ServedExplainer explainer, RecentInputs recent, ILogger? logger = null) : IDashboardPanel
{
    /// <summary>Explanations kept at most (older ones are dropped once their predictions leave the recent lists).</summary>
    public const int MaxCached = 64;

    /// <summary>How long one background explanation may take.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<string, Task<string>> _cache = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _background = new(1, 1);

    public string Title => "Explanations of recent predictions";

    public int Order => 50;

    public Task<string> RenderHtmlAsync(string model, CancellationToken ct)
    {
        var inputs = recent.Of(model);
        if (inputs.Count == 0)
            return Task.FromResult("<p class=\"muted\">No single-image or single-text predictions since the server started; the last "
                + recent.PerModel.ToString(CultureInfo.InvariantCulture) + " are explained here.</p>");
        Trim();
        var html = new System.Text.StringBuilder("<div class=\"explanations\">");
        foreach (var input in inputs)
        {
            var task = _cache.GetOrAdd(input.PredictionId, _ => ExplainAsync(input));
            html.Append("<figure class=\"explanation\" style=\"margin:0 0 1em 0\">");
            if (task.IsCompletedSuccessfully) html.Append(task.Result);
            else if (task.IsCompleted) html.Append("<p class=\"bad\">This prediction could not be explained.</p>");
            else html.Append("<p class=\"muted\">Explaining this prediction in the background; the page shows it on a later refresh.</p>");
            html.Append("<figcaption class=\"muted\">prediction ").Append(WebUtility.HtmlEncode(input.PredictionId)).Append(" · version ")
                .Append(WebUtility.HtmlEncode(input.Version)).Append(" · ").Append(input.At.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture)).Append(" UTC</figcaption></figure>");
        }
        return Task.FromResult(html.Append("</div>").ToString());
    }

    // Runs after the page has answered: one background explanation at a time, so the dashboard never competes with predictions for more than one slot.
    private async Task<string> ExplainAsync(RecentInput input)
    {
        await Task.Yield();
        await _background.WaitAsync().ConfigureAwait(false);
        try
        {
            using var cts = new CancellationTokenSource(Timeout);
            int? version = int.TryParse(input.Version, NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? v : null;
            using var lease = models.Acquire(input.Model, version);
            if (input.Image is { } raw)
            {
                var explanation = await explainer.ExplainImageAsync(lease, raw, null, cts.Token).ConfigureAwait(false);
                var png = ExplanationImage.Render(raw.Contiguous().To(Engine.DType.Float32).ToArray(), raw.Shape[1], raw.Shape[2], raw.Shape[3], explanation);
                return $"<p><b>{WebUtility.HtmlEncode(explanation.ClassName)}</b> ({explanation.Probabilities[explanation.Class].ToString("P1", CultureInfo.InvariantCulture)}): the input, then "
                    + WebUtility.HtmlEncode(string.Join(", ", new[] { explanation.GradCam, explanation.Saliency, explanation.Occlusion }.Where(m => m is not null).Select(m => m!.Method)))
                    + $"</p><img alt=\"explanation maps\" style=\"max-width:100%;image-rendering:pixelated\" src=\"data:image/png;base64,{Convert.ToBase64String(png)}\">";
            }
            var text = await explainer.ExplainTextAsync(lease, input.Text!, null, cts.Token).ConfigureAwait(false);
            return $"<p><b>{WebUtility.HtmlEncode(text.ClassName)}</b> ({text.Probabilities[text.Class].ToString("P1", CultureInfo.InvariantCulture)}); red tokens argued for it, blue against:</p><p>"
                + TextExplanationHtml.Fragment(text) + "</p>";
        }
        catch (Exception ex)
        {
            logger?.LogWarning(ex, "Explaining prediction {PredictionId} of {Model} failed", input.PredictionId, input.Model);
            throw;
        }
        finally
        {
            _background.Release();
        }
    }

    // Drops finished explanations of predictions no model lists any more, once the cache is full.
    private void Trim()
    {
        if (_cache.Count <= MaxCached) return;
        foreach (var (id, task) in _cache)
            if (task.IsCompleted && _cache.Count > MaxCached) _cache.TryRemove(id, out _);
    }
}
