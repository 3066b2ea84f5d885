using System.Globalization;
using System.Text.Json.Nodes;
using Lepton.Factory.Recipes.Running;
using Lepton.Registry;
using Lepton.Reports.Conformal;
using Lepton.Reports.Evaluation;
using Lepton.Reports.Recalibration;

namespace Lepton.Factory.Recipes.Steps;

/// <summary>
/// <c>intervals</c>: conformal prediction sets for the gated (compressed, calibrated) network, fitted on the data set version's held-out
/// split as <c>lepton models intervals</c> does, into <c>model-intervals</c> under the recipe's folder, which the register step then registers.
/// </summary>
public sealed class IntervalsStep : IRecipeStep
{
    public string Name => "intervals";

    public string InputHash(Recipe recipe) => RecipeHash.Of(recipe, "intervals", "calibrate", "compress");

    public static string ModelDirectory(RecipeContext context) => Path.Combine(context.WorkDirectory, "model-intervals");

    public async Task<JsonObject> RunAsync(RecipeContext context, CancellationToken ct)
    {
        var rule = context.Recipe.Intervals ?? throw new InvalidOperationException("The intervals step runs only for a recipe with an intervals section.");
        string source = context.Calibrated()["model_dir"]!.GetValue<string>();
        string data = context.Outputs("data")["dataset_ref"]!.GetValue<string>();
        using var examples = await ReportDataSources.LoadAsync(data, context.Recipe.Data.IsImages ? null : context.Recipe.Data.Dir, context.Registry, ct);
        var fitted = await ModelIntervals.FitAsync(new ResolvedModel(null, source), examples.Data, rule.Split, rule.Level, ct, rule.PerClass);
        string dir = ModelDirectory(context);
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        ModelCalibration.Copy(source, dir);
        fitted.Intervals.SaveTo(dir, ("data", examples.Data.DatasetRef ?? examples.Data.Name));
        var test = fitted.Test is { } t ? $"; {fitted.TestSplit} coverage {Num(t.Coverage)}, mean set size {Num(t.MeanSetSize ?? double.NaN)}" : "";
        context.Log($"prediction sets: {fitted.Intervals.Describe()}{test}");
        var outputs = new JsonObject
        {
            ["model_dir"] = dir,
            ["level"] = fitted.Intervals.Level,
            ["split"] = rule.Split,
            ["rows"] = fitted.Intervals.Rows,
            ["per_class"] = rule.PerClass,
        };
        if (fitted.Test is { } c)
        {
            outputs["test_coverage"] = c.Coverage;
            outputs["test_set_size"] = c.MeanSetSize;
        }
        return outputs;
    }

    private static string Num(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
}
