using System.CommandLine;
using System.Globalization;
using Lepton.Cli.Rendering;
using Lepton.Compression.Quantization;
using Lepton.Registry;
using Spectre.Console;

namespace Lepton.Cli.Commands;

/// <summary><c>lepton compress quantize</c>: post-training int8 quantization with calibration, and its accuracy against the float model.</summary>
public static partial class CompressCommand
{
    internal static Command Quantize()
    {
        var model = new Argument<string>("model") { Description = "The float model: name, name@3, name@production or a model folder." };
        var calibration = new Option<string>("--calibration") { Description = "Image data set version to calibrate on (its training images) and to evaluate on (its test split), e.g. shapes@2; or fashion-mnist (its training and test sets).", Required = true };
        var method = new Option<string>("--method") { Description = "Activation range: minmax, percentile (99.99% of |x|) or entropy (KL).", DefaultValueFactory = _ => "percentile" };
        var samples = new Option<int>("--samples") { Description = "Calibration images.", DefaultValueFactory = _ => 512 };
        var percentile = new Option<double>("--percentile") { Description = "Percentile of |x| kept by --method percentile.", DefaultValueFactory = _ => 99.99 };
        var seed = new Option<ulong>("--seed") { Description = "Seed that picks the calibration images.", DefaultValueFactory = _ => 0 };
        var outDir = new Option<string?>("--out") { Description = "Model folder to write (default: $LEPTON_HOME/models/<name>-int8)." };
        var register = new Option<string?>("--register") { Description = "Register the int8 model as a new version of this name (lineage: the float version's run and data set)." };
        var batch = new Option<int>("--batch-size") { Description = "Examples per forward pass.", DefaultValueFactory = _ => 256 };
        var layers = new Option<string>("--layers")
        {
            Description = "Which Linear and Conv2d layers become int8: faster (only where the model, timed on this machine, is then no slower at batch 1 and at --batch-size) or all (the smallest model).",
            DefaultValueFactory = _ => "faster",
        };
        var dataDir = new Option<string?>("--data-dir") { Description = "With --calibration fashion-mnist: the folder of its IDX files (default: $LEPTON_DATA/fashion-mnist, then /usr/share/datasets/fashion-mnist)." };
        var store = RegistryOptions.Store();
        var threads = CommonOptions.Threads();
        var json = CommonOptions.Json();
        var cmd = new Command("quantize", "Quantize a model to int8 (per-channel weights, calibrated activations) and compare it with the float model.\n" +
                                          "Sequential models and graph models (the resnet and mobilenet presets) alike; a batch norm after a convolution is folded into its int8 weights.\n\n" +
                                          "Examples:\n  lepton compress quantize shapes@1 --calibration shapes@2\n" +
                                          "  lepton compress quantize shapes@production --calibration shapes@2 --method entropy --samples 1000 --register shapes-int8\n" +
                                          "  lepton compress quantize shapes@1 --calibration shapes@2 --layers all\n" +
                                          "  lepton compress quantize fashion@1 --calibration fashion-mnist");
        cmd.Arguments.Add(model);
        foreach (var o in new Option[] { calibration, method, samples, percentile, seed, outDir, register, batch, layers, dataDir, store, threads, json }) cmd.Options.Add(o);
        cmd.SetAction(p => CommandRunner.Run(async ct =>
        {
            CommonOptions.ApplyThreads(p.GetValue(threads));
            var options = new QuantizeOptions(CalibrationMethods.Parse(p.GetValue(method)!), p.GetValue(samples), p.GetValue(percentile),
                Seed: p.GetValue(seed), BatchSize: p.GetValue(batch), Layers: LayerPrecisions.Parse(p.GetValue(layers)!));
            options.Validate();
            string name = p.GetValue(register) ?? DefaultName(p.GetValue(model)!);
            string folder = p.GetValue(outDir) ?? Path.Combine(CommonOptions.Home, "models", name.EndsWith("-int8", StringComparison.Ordinal) ? name : name + "-int8");
            await using var registry = await ModelRegistry.OpenAsync(p.GetValue(store), ct);
            var outcome = await QuantizeWorkflow.RunAsync(registry,
                new QuantizeRequest(p.GetValue(model)!, p.GetValue(calibration)!, folder, options, p.GetValue(register)) { DataDir = p.GetValue(dataDir) },
                RegistryOptions.Actor, ct);
            if (p.GetValue(json)) JsonOut.Write(ToJson(outcome, options));
            else Write(outcome, options);
            return 0;
        }));
        return cmd;
    }

    // The last path segment or the name before '@': "shapes@2" → "shapes", "runs/cnn" → "cnn".
    private static string DefaultName(string model)
    {
        string trimmed = model.TrimEnd('/', '\\');
        string last = Path.GetFileName(trimmed);
        int at = last.IndexOf('@', StringComparison.Ordinal);
        return at > 0 ? last[..at] : last.Length > 0 ? last : "model";
    }

    private static object ToJson(QuantizeOutcome o, QuantizeOptions options) => new
    {
        source = o.Source,
        folder = Path.GetFullPath(o.Folder),
        calibration = o.Calibration,
        calibration_examples = o.CalibrationExamples,
        method = options.Method.Name(),
        layer_selection = options.Layers.Name(),
        evaluated_on = o.EvaluatedOn,
        examples = o.Report.Examples,
        float_accuracy = o.Report.FloatAccuracy,
        int8_accuracy = o.Report.Int8Accuracy,
        agreement = o.Report.Agreement,
        per_class = o.Report.PerClass.Select(c => new { @class = c.Class, examples = c.Examples, float_accuracy = c.FloatAccuracy, int8_accuracy = c.Int8Accuracy }),
        layers = o.Quantized.Layers.Select(l => new
        {
            index = l.Index, path = l.Path, type = l.Type, input_low = l.Input.Low, input_high = l.Input.High, input_scale = l.Input.Scale,
            input_zero_point = l.Input.ZeroPoint, weight_relative_error = l.WeightRelativeError,
            precision = l.IsInt8 ? "int8" : "float32",
            timing = l.Timing is { } t ? new
            {
                batch_size = t.BatchSize, float_ms = t.FloatMs, int8_ms = t.Int8Ms, float_ms_batch_1 = t.FloatMsAtOne, int8_ms_batch_1 = t.Int8MsAtOne,
            } : null,
        }),
        float_ms = o.Float.Latency.MillisecondsPerBatch,
        int8_ms = o.Int8.Latency.MillisecondsPerBatch,
        speedup = o.Speedup,
        float_weight_bytes = o.Float.WeightBytes,
        int8_weight_bytes = o.Int8.WeightBytes,
        registered = o.Registered is { } v ? $"{v.Model}@{v.Version}" : null,
    };

    private static string Ms(Lepton.Compression.Measurement.InferenceSpeed speed) =>
        speed.MillisecondsPerBatch.ToString("0.000", CultureInfo.InvariantCulture) + " ms";

    private static string Size(long bytes) => bytes >= 1_000_000
        ? (bytes / 1e6).ToString("0.00", CultureInfo.InvariantCulture) + " MB"
        : (bytes / 1e3).ToString("0.0", CultureInfo.InvariantCulture) + " KB";

    private static void Write(QuantizeOutcome o, QuantizeOptions options)
    {
        var c = CultureInfo.InvariantCulture;
        int int8Count = o.Quantized.Int8Layers.Count();
        AnsiConsole.MarkupLine($"Quantized [bold]{Markup.Escape(o.Source)}[/]: {int8Count} of {o.Quantized.Layers.Count} layers in int8, {options.Method.Name()} calibration on {o.CalibrationExamples} images of {Markup.Escape(o.Calibration)}.");
        var layers = new Table().Border(TableBorder.Rounded).AddColumns("layer", "type", "precision", "input range", "scale", "zero point", "weight error");
        foreach (var l in o.Quantized.Layers)
            layers.AddRow(Markup.Escape(l.Label), l.Type, l.IsInt8 ? "int8" : "[yellow]float32[/]", Markup.Escape($"[{l.Input.Low.ToString("G4", c)}, {l.Input.High.ToString("G4", c)}]"),
                l.Input.Scale.ToString("G4", c), l.Input.ZeroPoint.ToString(c), l.WeightRelativeError.ToString("P2", c));
        AnsiConsole.Write(layers);
        bool timed = o.Quantized.Layers.Any(l => l.Timing is not null);
        if (timed)
        {
            int n = o.Quantized.Layers.First(l => l.Timing is not null).Timing!.BatchSize;
            var timing = new Table().Border(TableBorder.Rounded).Title("model ms per forward with the layer float32 / int8")
                .AddColumns("layer", $"batch {n}", "batch 1", "kept");
            foreach (var l in o.Quantized.Layers)
                if (l.Timing is { } t)
                    timing.AddRow(Markup.Escape(l.Label), $"{t.FloatMs.ToString("0.000", c)} / {t.Int8Ms.ToString("0.000", c)}",
                        $"{t.FloatMsAtOne.ToString("0.0000", c)} / {t.Int8MsAtOne.ToString("0.0000", c)}", l.IsInt8 ? "int8" : "[yellow]float32[/]");
            AnsiConsole.Write(timing);
        }
        if (timed && int8Count < o.Quantized.Layers.Count)
            AnsiConsole.MarkupLine("Layers marked float32 made the model slower in int8 on this CPU, so they stay float32 (--layers all quantizes every one).");
        var r = o.Report;
        var table = new Table().Border(TableBorder.Rounded).Title($"float vs int8 on {Markup.Escape(o.Calibration)}, {Markup.Escape(o.EvaluatedOn)} ({r.Examples} images)")
            .AddColumns("class", "images", "float", "int8");
        foreach (var pc in r.PerClass)
            table.AddRow(Markup.Escape(pc.Class), pc.Examples.ToString(c), pc.FloatAccuracy.ToString("P2", c), pc.Int8Accuracy.ToString("P2", c));
        table.AddRow("[bold]all[/]", r.Examples.ToString(c), $"[bold]{r.FloatAccuracy.ToString("P2", c)}[/]", $"[bold]{r.Int8Accuracy.ToString("P2", c)}[/]");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"Top-1: float {r.FloatAccuracy.ToString("P2", c)}, int8 {r.Int8Accuracy.ToString("P2", c)} ({(0.0 - r.DropPoints).ToString("+0.00;-0.00;0.00", c)} points); the two agree on {r.Agreement.ToString("P2", c)} of the images.");
        var speed = new Table().Border(TableBorder.Rounded).Title("served folders, one example per forward (median, alternating)")
            .AddColumns("", "float32", "int8", "int8 / float32");
        speed.AddRow("latency", Ms(o.Float.Latency), Ms(o.Int8.Latency), $"{o.Speedup.ToString("0.00", c)}x as fast");
        speed.AddRow("weights file", Size(o.Float.WeightBytes), Size(o.Int8.WeightBytes),
            o.Float.WeightBytes > 0 ? $"{((double)o.Int8.WeightBytes / o.Float.WeightBytes).ToString("0.00", c)}x the size" : "-");
        AnsiConsole.Write(speed);
        // On a CPU whose int8 kernels lose to the float ones (no VNNI in reach, Winograd convolutions) the int8 model is for size.
        if (int8Count == 0)
            AnsiConsole.MarkupLine("[yellow]No layer is faster in int8 on this CPU, so the written model is the float one; --layers all quantizes every layer for size.[/]");
        else if (o.Speedup < 1)
            AnsiConsole.MarkupLine($"[yellow]The int8 model is slower than the float one on this CPU ({o.Speedup.ToString("0.00", c)}x): it saves size, not time. " +
                                   (options.Layers == LayerPrecision.All ? "--layers faster keeps the layers that lose in int8 float32." : "Serve the float model where latency matters.") + "[/]");
        AnsiConsole.MarkupLine($"Model folder: [bold]{Markup.Escape(Path.GetFullPath(o.Folder))}[/]");
        if (o.Registered is { } v) AnsiConsole.MarkupLine($"Registered [bold]{Markup.Escape(v.Model)}@{v.Version}[/] (artifact {v.ArtifactHash[..12]}).");
    }
}
