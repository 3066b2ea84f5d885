using Lepton.Factory.Recipes.Schema;
using Lepton.Factory.Loop;
using Lepton.Monitoring.Alerts;
using Lepton.Registry.References;
using Lepton.Serving.Batching;

namespace Lepton.Factory.Recipes;

/// <summary>The readers of the serve, monitoring and loop sections (the long-running parts of the factory).</summary>
public static partial class RecipeLoader
{
    internal static IReadOnlyList<string> ServeKeys { get; } = ["models", "max_batch_size", "max_queue_delay", "batch_wait", "canary", "port", "host"];

    internal static IReadOnlyList<string> CanaryKeys { get; } = ["alias", "fraction"];

    internal static IReadOnlyList<string> MonitoringKeys { get; } = ["window", "interval", "rules"];

    internal static IReadOnlyList<string> LoopKeys { get; } =
        ["trigger", "every", "mode", "epochs", "min_feedback", "canary_window", "feedback_holdout"];

    internal static IReadOnlyList<string> Triggers { get; } = ["alert", "schedule", "manual"];

    internal static IReadOnlyList<string> Modes { get; } = ["fine-tune", "scratch"];

    private static RecipeServe ReadServe(YamlSection? s, string name)
    {
        IReadOnlyList<string> defaultModels = [$"{name}@production"];
        if (s is null) return new RecipeServe(defaultModels);
        var models = s.List("models", "- fashion@production");
        foreach (var m in models ?? [])
            if (ModelReference.TryParse(m.Value!, out _, out var problem) is false)
                s.Errors.Add(m, $"'serve.models' entry '{m.Value}' is not a model reference: {problem}");
        var d = new RecipeServe(defaultModels);
        string host = s.String("host") ?? d.Host;
        if (string.IsNullOrWhiteSpace(host)) s.Errors.Add(s.Node, "'serve.host' is empty; use 127.0.0.1 (this machine only) or 0.0.0.0 (the network).");
        return new RecipeServe(
            Models: models is { Count: > 0 } ? [.. models.Select(m => m.Value!)] : defaultModels,
            MaxBatchSize: s.Int("max_batch_size", d.MaxBatchSize, 1, 4096),
            MaxQueueDelay: s.Duration("max_queue_delay"),
            Canary: ReadCanary(s),
            Port: s.Int("port", d.Port, 0, 65535),
            Host: host,
            BatchWait: s.Choice("batch_wait", d.BatchWait, BatchWaitNames.All));
    }

    private static RecipeCanary? ReadCanary(YamlSection serve)
    {
        var s = serve.Section("canary", CanaryKeys);
        if (s is null) return null;
        var d = new RecipeCanary();
        string alias = s.String("alias") ?? d.Alias;
        if (ModelName.Check(alias, "alias") is { } problem) s.Errors.Add(s.Value("alias")!, $"'serve.canary.alias': {problem}");
        else if (alias == "production") s.Errors.Add(s.Value("alias")!, "'serve.canary.alias' cannot be production: the canary runs beside production; use staging.");
        double fraction = s.Fraction("fraction") ?? d.Fraction;
        return new RecipeCanary(alias, fraction);
    }

    private static RecipeMonitoring ReadMonitoring(YamlSection? s)
    {
        var d = RecipeMonitoring.Default;
        if (s is null) return d;
        var rules = new List<AlertRule>();
        foreach (var node in s.List("rules", "- drift.psi > 0.2") ?? [])
        {
            var (rule, problem) = AlertRuleCheck.Parse(node.Value!);
            if (rule is not null) rules.Add(rule);
            else s.Errors.Add(node, $"'monitoring.rules': {problem}");
        }
        return new RecipeMonitoring(s.Duration("window") ?? d.Window, s.Duration("interval") ?? d.Interval, rules);
    }

    private static RecipeLoop ReadLoop(YamlSection? s)
    {
        var d = new RecipeLoop();
        if (s is null) return d;
        var trigger = s.Choice("trigger", "alert", Triggers) switch { "schedule" => LoopTriggerKind.Schedule, "manual" => LoopTriggerKind.Manual, _ => LoopTriggerKind.Alert };
        TimeSpan? every = s.Duration("every");
        if (trigger == LoopTriggerKind.Schedule && every is null && !s.Has("every"))
            s.Errors.Add(s.Value("trigger")!, "'loop.trigger' is schedule, so 'loop.every' is required: how often the loop runs, e.g. every: 1d.");
        if (trigger != LoopTriggerKind.Schedule && s.Has("every"))
            s.Errors.Add(s.Value("every")!, "'loop.every' only applies with 'trigger: schedule'; remove it or set the trigger to schedule.");
        var mode = s.Choice("mode", "fine-tune", Modes) == "scratch" ? LoopMode.Scratch : LoopMode.FineTune;
        double? holdout = s.Fraction("feedback_holdout");
        if (holdout is >= 1)
        {
            s.Errors.Add(s.Value("feedback_holdout")!, "'loop.feedback_holdout' must be below 1: some feedback has to go into training, e.g. 20%.");
            holdout = null;
        }
        return new RecipeLoop(trigger, every, mode,
            Epochs: s.Int("epochs", d.Epochs, 1, 100_000),
            MinFeedback: s.Int("min_feedback", d.MinFeedback, 1),
            CanaryWindow: s.Duration("canary_window", allowZero: true),
            FeedbackHoldout: holdout ?? d.FeedbackHoldout);
    }
}
