using System.Globalization;
using System.Text.Json.Nodes;
using Lepton.Compression.Quantization;
using Lepton.Factory.Recipes.Running;

namespace Lepton.Factory.Recipes.Steps;

/// <summary>
/// <c>compress</c>: int8 quantization of the gated model, calibrated on the data set version's training images and
/// scored on its test split against the float model, then timed against it at batch 1 (the served folders, alternating).
/// The int8 model goes on only when it keeps the accuracy (<c>max_accuracy_drop</c> points) and is fast enough
/// (<c>min_speedup</c>); otherwise the float model does, and the step says which rule kept it.
/// </summary>
public sealed class CompressStep : IRecipeStep
{
    public string Name => "compress";

    public string InputHash(Recipe recipe) => RecipeHash.Of(recipe, "compress");

    public static string ModelDirectory(RecipeContext context) => Path.Combine(context.WorkDirectory, "model-int8");

    public async Task<JsonObject> RunAsync(RecipeContext context, CancellationToken ct)
    {
        var rule = context.Recipe.Compress ?? throw new InvalidOperationException("The compress step runs only for a recipe with a compress section.");
        var trained = context.Trained();
        string floatDir = trained["model_dir"]!.GetValue<string>();
        string calibration = context.Outputs("data")["dataset_ref"]!.GetValue<string>();
        string int8Dir = ModelDirectory(context);
        var options = new QuantizeOptions(CalibrationMethods.Parse(rule.Method), rule.Samples, Layers: LayerPrecisions.Parse(rule.Layers));
        context.Log($"quantizing {floatDir} to int8 ({rule.Method}, {rule.Samples} calibration images of {calibration}, layers: {rule.Layers})");
        var request = new QuantizeRequest(floatDir, calibration, int8Dir, options)
        {
            TrainingSplit = (context.Recipe.Training.ValidationSplit, (int)context.Recipe.Training.Seed),
            DataDir = context.Recipe.Data.IsImages ? null : context.Recipe.Data.Dir,
        };
        var outcome = await QuantizeWorkflow.RunAsync(context.Registry, request, context.Actor, ct);
        double floatMs = outcome.Float.Latency.MillisecondsPerBatch, int8Ms = outcome.Int8.Latency.MillisecondsPerBatch;
        double speedup = outcome.Speedup;
        var report = outcome.Report;
        var failed = new List<string>();
        if (report.DropPoints > rule.MaxAccuracyDropPoints)
            failed.Add($"accuracy drops {Num(report.DropPoints)} points (allowed {Num(rule.MaxAccuracyDropPoints)})");
        if (speedup < rule.MinSpeedup)
            failed.Add($"batch-1 latency is {Num(speedup)}x the float model's speed (required {Num(rule.MinSpeedup)}x)");
        bool keepInt8 = failed.Count == 0;
        string measured = $"{outcome.Quantized.Int8Layers.Count()} of {outcome.Quantized.Layers.Count} layers in int8; int8 {Pct(report.Int8Accuracy)} vs float {Pct(report.FloatAccuracy)} on {report.Examples} images ({outcome.EvaluatedOn}); " +
                          $"batch-1 latency {Num(int8Ms)} vs {Num(floatMs)} ms ({Num(speedup)}x)";
        string reason = keepInt8 ? $"int8 kept: {measured}" : $"float kept, {string.Join(" and ", failed)}: {measured}";
        context.Log(reason);
        return new JsonObject
        {
            ["kept"] = keepInt8 ? "int8" : "float",
            ["model_dir"] = keepInt8 ? int8Dir : floatDir,
            ["int8_dir"] = int8Dir,
            ["int8_layers"] = outcome.Quantized.Int8Layers.Count(),
            ["quantizable_layers"] = outcome.Quantized.Layers.Count,
            ["float_accuracy"] = report.FloatAccuracy,
            ["int8_accuracy"] = report.Int8Accuracy,
            ["accuracy_drop_points"] = report.DropPoints,
            ["float_ms"] = floatMs,
            ["int8_ms"] = int8Ms,
            ["speedup"] = speedup,
            ["test_accuracy"] = keepInt8 ? report.Int8Accuracy : trained["test_accuracy"]?.GetValue<double>(),
            ["reason"] = reason,
        };
    }

    private static string Num(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Pct(double v) => (v * 100).ToString("0.00", CultureInfo.InvariantCulture) + "%";
}
