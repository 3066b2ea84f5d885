using Lepton.Serving.Models;
using Lepton.Serving.Protocol;

namespace Lepton.Serving.Http;

/// <summary>What the endpoints share: the models, the options, where predictions and feedback go, and the HTTP metrics.</summary>
public sealed class ServingContext(ModelManager models, ServerOptions options, IPredictionSink? sink, HttpMetrics metrics)
{
    public ModelManager Models { get; } = models;

    public ServerOptions Options { get; } = options;

    /// <summary>Null when the server keeps no prediction log (then feedback is refused with 501).</summary>
    public IPredictionSink? Sink { get; } = sink;

    public HttpMetrics Metrics { get; } = metrics;

    public InferenceParseOptions ParseOptions { get; } = new(options.MaxJsonDepth, options.AllowNonFinite);

    /// <summary>Default batching limits for models loaded through the repository endpoint.</summary>
    public ModelServeOptions? DefaultServeOptions { get; init; }

    /// <summary>Extra readings for /metrics (e.g. prediction log counters).</summary>
    public IReadOnlyList<MetricReading> ExtraMetrics { get; init; } = [];

    /// <summary>Labelled metric families from monitoring and the loop.</summary>
    public IReadOnlyList<IMetricsSource> MetricsSources { get; init; } = [];

    /// <summary>The registry behind the dashboard; null when the server was built without one.</summary>
    public Registry.ModelRegistry? Registry { get; init; }

    /// <summary>Labeling over the registry (the /label page); null when the server offers none.</summary>
    public Registry.Labeling.LabelingService? Labeling { get; init; }

    /// <summary>The data set the /label page opens when the request names none (NAME or NAME@V).</summary>
    public string? LabelDataset { get; init; }

    /// <summary>Where the predict endpoint offers images of unsure answers for labeling; null keeps none.</summary>
    public ILabelCandidateSink? LabelCandidates { get; init; }

    /// <summary>Computes explanations for /explain and the dashboard, bounded in concurrency and off the predict path.</summary>
    public Explanations.ServedExplainer Explainer { get; init; } = new();

    /// <summary>The last few explainable predictions per model, for the dashboard's explanations.</summary>
    public Explanations.RecentInputs RecentInputs { get; init; } = new();

    /// <summary>Extra dashboard sections contributed from above serving.</summary>
    public IReadOnlyList<Dashboard.IDashboardPanel> DashboardPanels { get; init; } = [];
}
