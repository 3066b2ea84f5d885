namespace Lepton.Factory.Recipes;

/// <summary>
/// <c>tune:</c> a hyperparameter search instead of one training run: the search space file (as <c>lepton tune --space</c>
/// reads it), trials, time budget, parallel trials, sampler and the successive-halving epochs. The best completed trial's
/// model goes on through the gate like a trained one.
/// </summary>
public sealed record RecipeTune(
    string Space,
    int Trials = 20,
    TimeSpan? Budget = null,
    int Parallel = 1,
    string Sampler = "tpe",
    int MinEpochs = 1,
    int? MaxEpochs = null,
    int Eta = 3);

/// <summary>
/// <c>compress:</c> post-training int8 quantization of the gated model (calibrated on the data set version's training
/// images) and the rule that decides which model goes on: the int8 one only if its test accuracy is at most
/// <see cref="MaxAccuracyDropPoints"/> below the float model's and its batch-1 p99 latency is at least
/// <see cref="MinSpeedup"/> times lower; otherwise the float model. <see cref="Layers"/> (<c>faster</c> or <c>all</c>) is
/// which layers become int8, as <c>lepton compress quantize --layers</c>.
/// </summary>
public sealed record RecipeCompress(string Method = "percentile", int Samples = 512, double MaxAccuracyDropPoints = 0.5, double MinSpeedup = 1.0,
    string Layers = "faster");

/// <summary>
/// <c>calibrate:</c> the network's probabilities calibrated after the gate (and compression), as <c>lepton models calibrate</c> does:
/// <see cref="Method"/> (default: sigmoid for a yes/no model, temperature for more classes) fitted on the data set version's
/// <see cref="Split"/>; the calibrated folder is what is registered.
/// </summary>
public sealed record RecipeCalibrate(string? Method = null, string Split = "validation");

/// <summary>
/// <c>intervals:</c> conformal prediction sets for a network (as <c>lepton models intervals</c>) at <see cref="Level"/>, fitted on the
/// data set version's <see cref="Split"/> after any calibration (class by class with <see cref="PerClass"/>); the folder with
/// <c>intervals.json</c> is what is registered.
/// </summary>
public sealed record RecipeIntervals(double Level, string Split = "validation", bool PerClass = false);

/// <summary><c>export:</c> formats the registered model is also written in, into the recipe's folder (<c>export/</c>).</summary>
public sealed record RecipeExport(bool Onnx = true);
