using System.Globalization;
using System.Text.Json.Nodes;
using Lepton.Factory.Recipes.Running;
using Lepton.Registry;
using Lepton.Reports.Evaluation;
using Lepton.Reports.Recalibration;
using Lepton.Runtime.Calibration;

namespace Lepton.Factory.Recipes.Steps;

/// <summary>
/// <c>calibrate</c>: the gated (or compressed) network's probabilities calibrated on the data set version's held-out split, as
/// <c>lepton models calibrate</c> does, into <c>model-calibrated</c> under the recipe's folder, which the register step then registers.
/// </summary>
public sealed class CalibrateStep : IRecipeStep
{
    public string Name => "calibrate";

    public string InputHash(Recipe recipe) => RecipeHash.Of(recipe, "calibrate", "compress");

    public static string ModelDirectory(RecipeContext context) => Path.Combine(context.WorkDirectory, "model-calibrated");

    public async Task<JsonObject> RunAsync(RecipeContext context, CancellationToken ct)
    {
        var rule = context.Recipe.Calibrate ?? throw new InvalidOperationException("The calibrate step runs only for a recipe with a calibrate section.");
        string source = context.Final()["model_dir"]!.GetValue<string>();
        string data = context.Outputs("data")["dataset_ref"]!.GetValue<string>();
        using var examples = await ReportDataSources.LoadAsync(data, context.Recipe.Data.IsImages ? null : context.Recipe.Data.Dir, context.Registry, ct);
        var model = new ResolvedModel(null, source);
        var fitted = await ModelCalibration.FitAsync(model, examples.Data, rule.Split, rule.Method, ct);
        string dir = ModelDirectory(context);
        ModelCalibration.Write(model, examples.Data, fitted.Calibration, dir);
        string temperature = fitted.Calibration.Maps[0] is TemperatureScaling t ? $" (temperature {Num(t.Temperature)})" : "";
        var test = fitted.TestBefore is { } before && fitted.TestAfter is { } after
            ? $"; {fitted.TestSplit} log loss {Num(before.LogLoss)} -> {Num(after.LogLoss)}, ECE {Num(before.ExpectedCalibrationError)} -> {Num(after.ExpectedCalibrationError)}" : "";
        context.Log($"calibrated {fitted.Calibration.Describe()}{temperature}: {rule.Split} log loss {Num(fitted.Before.LogLoss)} -> {Num(fitted.After.LogLoss)}, " +
                    $"ECE {Num(fitted.Before.ExpectedCalibrationError)} -> {Num(fitted.After.ExpectedCalibrationError)}{test}");
        var outputs = new JsonObject
        {
            ["model_dir"] = dir,
            ["method"] = fitted.Calibration.Method,
            ["split"] = rule.Split,
            ["rows"] = fitted.Calibration.Rows,
            ["log_loss_before"] = fitted.Before.LogLoss,
            ["log_loss_after"] = fitted.After.LogLoss,
            ["ece_before"] = fitted.Before.ExpectedCalibrationError,
            ["ece_after"] = fitted.After.ExpectedCalibrationError,
        };
        if (fitted.Calibration.Maps[0] is TemperatureScaling ts) outputs["temperature"] = ts.Temperature;
        return outputs;
    }

    private static string Num(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);
}
