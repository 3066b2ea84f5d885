using System.CommandLine;
using System.Globalization;
using Lepton.Cli.Hosting;
using Lepton.Engine.Threading;
using Lepton.Factory.Recipes;
using Lepton.Monitoring;
using Lepton.Monitoring.Alerts;
using Lepton.Registry;
using Lepton.Registry.Store;
using Lepton.Serving;
using Lepton.Serving.Batching;
using Lepton.Serving.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using YamlDotNet.RepresentationModel;

namespace Lepton.Cli.Commands;

/// <summary><c>lepton serve</c>: the HTTP model server (Open Inference Protocol v2, predict, feedback, metrics) for registry models.</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var models = new Argument<string[]>("models")
        {
            Description = "Models to serve: name@alias, name@3, name or a folder (default: serve.models in ./lepton.yaml).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var host = new Option<string>("--host") { Description = "Address to listen on; anything but loopback exposes the server to the network.", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { Description = "TCP port.", DefaultValueFactory = _ => 8080 };
        var noAuth = new Option<bool>("--no-auth") { Description = "Serve without API keys (development only; refused unless bound to loopback)." };
        var maxBatch = new Option<int>("--max-batch-size") { Description = "Most rows per forward pass.", DefaultValueFactory = _ => 32 };
        var delay = new Option<double>("--max-queue-delay-ms") { Description = "Longest wait for a batch to fill, in milliseconds (with --batch-wait always or skip-when-idle).", DefaultValueFactory = _ => 2 };
        var wait = new Option<string>("--batch-wait")
        {
            Description = "When a free worker waits for company: inline (never; batches form while one runs, and a lone request runs on its own thread), adaptive (never, always through the worker), skip-when-idle, always.",
            DefaultValueFactory = _ => "inline",
        };
        wait.AcceptOnlyFromAmong([.. BatchWaitNames.All]);
        var queueRows = new Option<int>("--max-queue-rows") { Description = "Rows that may wait per model version; more are refused with 503 and Retry-After.", DefaultValueFactory = _ => 1024 };
        var canary = new Option<string[]>("--canary") { Description = "Canary split, e.g. fashion@staging=10% (repeatable, one per model).", AllowMultipleArgumentsPerToken = false };
        var maxBody = new Option<long>("--max-body-bytes") { Description = "Largest request body (413 above it).", DefaultValueFactory = _ => 8L * 1024 * 1024 };
        var rate = new Option<string?>("--rate-limit") { Description = "Requests per second per API key, e.g. 100/s (default: unlimited)." };
        var maxConnections = new Option<long?>("--max-connections") { Description = "Most open connections (default 1024)." };
        var sample = new Option<double>("--sample-inputs") { Description = "Fraction of raw inputs kept in the prediction log (0..1).", DefaultValueFactory = _ => 0.01 };
        var alert = new Option<string[]>("--alert") { Description = "An alert rule checked on the prediction log, e.g. \"drift.psi > 0.2\" (repeatable; also monitoring: rules: in lepton.yaml)." };
        var monitorWindow = new Option<string?>("--monitor-window") { Description = "The window alerts look back over, e.g. 15m (default 15m or monitoring: window: in lepton.yaml)." };
        var label = new Option<string?>("--label") { Description = "Image data set (NAME or NAME@V) the /label page opens; also keeps images of unsure predictions for labeling." };
        var store = RegistryOptions.Store();
        var threads = CommonOptions.Threads();
        var cmd = new Command("serve", "Serve models over HTTP: Open Inference Protocol v2 (/v2), /models/{name}/predict, feedback, /metrics and Swagger UI.\n\n" +
                                       "Example:\n  lepton serve fashion@production --canary fashion@staging=10% --port 8080");
        cmd.Arguments.Add(models);
        foreach (var o in new Option[] { host, port, noAuth, maxBatch, delay, wait, queueRows, canary, maxBody, rate, maxConnections, sample, alert, monitorWindow, label, store, threads })
            cmd.Options.Add(o);
        cmd.SetAction(p => CommandRunner.Run(async ct =>
        {
            CommonOptions.ApplyThreads(p.GetValue(threads));
            var options = new ServerOptions
            {
                Host = p.GetValue(host)!,
                Port = p.GetValue(port),
                NoAuth = p.GetValue(noAuth),
                MaxRequestBodyBytes = p.GetValue(maxBody),
                RateLimitPerSecond = ParseRate(p.GetValue(rate)),
                MaxConcurrentConnections = p.GetValue(maxConnections) ?? 1024,
                RawInputSampleRate = p.GetValue(sample),
            };
            options.Validate();
            var references = p.GetValue(models) is { Length: > 0 } given ? given : ModelsFromYaml();
            if (references.Count == 0)
                throw new ArgumentException("No models to serve: name them (lepton serve fashion@production) or list them under serve: models: in lepton.yaml.");
            var canaries = p.GetValue(canary) is { Length: > 0 } splits ? splits.Select(ParseCanary).ToList() : CanaryFromYaml();
            var batching = new ModelServeOptions("-", p.GetValue(maxBatch), TimeSpan.FromMilliseconds(p.GetValue(delay)), p.GetValue(queueRows),
                Wait: BatchWaitNames.Parse(p.GetValue(wait)!));
            var monitoring = Monitoring(p.GetValue(alert) ?? [], p.GetValue(monitorWindow));
            return await RunAsync(options, references, canaries, batching, monitoring, p.GetValue(store), ct, p.GetValue(label));
        }));
        return cmd;
    }

    private static async Task<int> RunAsync(ServerOptions options, IReadOnlyList<string> references, List<(string Reference, double Fraction)> canaries,
        ModelServeOptions batching, MonitoringOptions monitoring, string? storeSetting, CancellationToken ct, string? labelDataset = null)
    {
        // The same log format as the server's: JSON lines when output goes to a file or collector, single lines on a terminal.
        using var loggers = LoggerFactory.Create(b =>
        {
            if (Console.IsOutputRedirected) b.AddJsonConsole(o => o.TimestampFormat = "O");
            else b.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        });
        foreach (var (reference, _) in canaries.Where(c => references.All(r => r.Split('@')[0] != c.Reference.Split('@')[0])))
            throw new ArgumentException($"--canary {reference} names no served model; serve {reference.Split('@')[0]}@production too.");
        if (references.FirstOrDefault(r => r.StartsWith('-')) is { } flag)
            throw new ArgumentException($"lepton serve has no option {flag}; name the models as arguments: lepton serve NAME@production [more models...].");
        var models = new List<ModelServeOptions>();
        foreach (var reference in references)
        {
            string name = reference.Split('@')[0];
            var split = canaries.FirstOrDefault(c => c.Reference.Split('@')[0] == name);
            AnsiConsole.MarkupLine($"loading [bold]{Markup.Escape(reference)}[/]{(split.Reference is null ? "" : $" with canary {Markup.Escape(split.Reference)} at {Percent(split.Fraction)}")}...");
            models.Add(batching with { Reference = reference, Canary = split.Reference, CanaryFraction = split.Reference is null ? 0 : split.Fraction });
        }
        await using var registry = await ModelRegistry.OpenAsync(storeSetting, ct);
        var host = await ServerHost.StartAsync(registry, options, models, batching, monitoring, loggers, ct, labelDataset);
        try
        {
            PrintBanner(host, options, monitoring);
            await host.App.WaitForShutdownAsync(ct);
        }
        finally
        {
            await host.DisposeAsync();
        }
        Console.Error.WriteLine("lepton serve: stopped; in-flight requests finished and the prediction log is flushed.");
        return 0;
    }

    /// <summary>The <c>serve: canary:</c> split of ./lepton.yaml when it is a recipe (has a name), as name@alias and its share.</summary>
    internal static List<(string Reference, double Fraction)> CanaryFromYaml(string? path = null)
    {
        path ??= Path.Combine(Environment.CurrentDirectory, LeptonYamlSettings.FileName);
        if (!File.Exists(path) || !File.ReadLines(path).Any(l => l.StartsWith("name:", StringComparison.Ordinal))) return [];
        var recipe = RecipeLoader.Load(path);
        return recipe.Serve.Canary is { } c ? [($"{recipe.Name}@{c.Alias}", c.Fraction)] : [];
    }

    /// <summary>
    /// The alert rules: the <c>monitoring:</c> section of ./lepton.yaml when it has one (read as a recipe, so mistakes are
    /// reported with their line), plus the <c>--alert</c> rules; the window from <c>--monitor-window</c> when given.
    /// </summary>
    internal static MonitoringOptions Monitoring(IReadOnlyList<string> alerts, string? window, string? path = null)
    {
        path ??= Path.Combine(Environment.CurrentDirectory, LeptonYamlSettings.FileName);
        var options = new MonitoringOptions();
        if (File.Exists(path) && File.ReadLines(path).Any(l => l.StartsWith("monitoring:", StringComparison.Ordinal)))
            options = RecipeLoader.Load(path).Monitoring.ToOptions();
        var rules = options.Rules.Concat(alerts.Select(ParseAlert)).ToList();
        var span = window is null ? options.Window : MonitorWindow.ParseDuration(window);
        return new MonitoringOptions(span, options.Interval, rules).Validate();
    }

    private static AlertRule ParseAlert(string text)
    {
        try
        {
            return AlertRule.Parse(text).WithoutGroups();
        }
        catch (FormatException e)
        {
            throw new ArgumentException($"--alert '{text}': {e.Message}");
        }
    }

    private static void PrintBanner(ServerHost host, ServerOptions options, MonitoringOptions monitoring)
    {
        AnsiConsole.MarkupLine($"[green]lepton serve[/] listening on [bold]{Markup.Escape(host.Url)}[/]  (dashboard at /, OIP v2 at /v2, Swagger UI at /swagger, " +
                               $"metrics at /metrics; {CpuParallel.ThreadCount} compute threads)");
        if (host.LabelDataset is { } labeling)
            AnsiConsole.MarkupLine($"  labeling [bold]{Markup.Escape(labeling)}[/] at /label (a key with the feedback scope; unsure image predictions join its queue)");
        if (monitoring.Rules.Count > 0)
            AnsiConsole.MarkupLine($"  alerts every {monitoring.Interval.TotalSeconds:0} s over {monitoring.Window}: {Markup.Escape(string.Join("; ", monitoring.Rules.Select(r => r.Text)))}");
        foreach (var model in host.Models.Status())
        {
            var versions = string.Join(", ", model.Versions.Where(v => v.State == ModelVersionState.Ready)
                .Select(v => $"version {v.VersionLabel}{(v.IsCanary ? $" (canary {Percent(model.CanaryFraction)})" : "")}"));
            AnsiConsole.MarkupLine($"  [bold]{Markup.Escape(model.Name)}[/]  {Markup.Escape(model.Reference)} -> {Markup.Escape(versions)}");
        }
        if (options.NoAuth)
        {
            AnsiConsole.MarkupLine("[bold red]WARNING: --no-auth: NO API KEYS ARE CHECKED. Anyone who can reach this address can predict, send feedback,[/]");
            AnsiConsole.MarkupLine("[bold red]and load or unload models. Use only for local development.[/]");
        }
        else AnsiConsole.MarkupLine("  auth: API keys required (Authorization: Bearer <key>; scopes predict, feedback, admin; see lepton keys create)");
        if (!options.IsLoopback) AnsiConsole.MarkupLine($"[yellow]  listening on {Markup.Escape(options.Host)}: reachable from the network.[/]");
    }

    private static string Percent(double fraction) => (fraction * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";

    internal static double? ParseRate(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var number = text.Trim().EndsWith("/s", StringComparison.OrdinalIgnoreCase) ? text.Trim()[..^2] : text.Trim();
        return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var r) && r > 0
            ? r
            : throw new ArgumentException($"--rate-limit '{text}': give requests per second per key, e.g. 100/s.");
    }

    internal static (string Reference, double Fraction) ParseCanary(string text)
    {
        int eq = text.LastIndexOf('=');
        if (eq <= 0 || eq == text.Length - 1)
            throw new ArgumentException($"--canary '{text}': write reference=percent, e.g. fashion@staging=10%.");
        string value = text[(eq + 1)..].Trim();
        bool percent = value.EndsWith('%');
        if (!double.TryParse(percent ? value[..^1] : value, NumberStyles.Float, CultureInfo.InvariantCulture, out double f))
            throw new ArgumentException($"--canary '{text}': '{value}' is not a share; write 10% or 0.1.");
        f = percent ? f / 100 : f;
        if (f is < 0 or > 1) throw new ArgumentException($"--canary '{text}': the share must be 0% to 100%.");
        return (text[..eq].Trim(), f);
    }

    /// <summary>The <c>serve: models:</c> list of ./lepton.yaml, or empty.</summary>
    internal static IReadOnlyList<string> ModelsFromYaml(string? path = null)
    {
        path ??= Path.Combine(Environment.CurrentDirectory, LeptonYamlSettings.FileName);
        if (!File.Exists(path)) return [];
        var yaml = new YamlStream();
        using (var reader = new StreamReader(path)) yaml.Load(reader);
        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root) return [];
        if (!root.Children.TryGetValue(new YamlScalarNode("serve"), out var serve) || serve is not YamlMappingNode serveMap) return [];
        if (!serveMap.Children.TryGetValue(new YamlScalarNode("models"), out var list)) return [];
        if (list is not YamlSequenceNode seq || seq.Children.Any(c => c is not YamlScalarNode { Value.Length: > 0 }))
            throw new InvalidDataException($"{path}: serve.models must be a list of model references, e.g. - fashion@production.");
        return [.. seq.Children.Cast<YamlScalarNode>().Select(s => s.Value!)];
    }
}
