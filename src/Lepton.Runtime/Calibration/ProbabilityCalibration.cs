using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lepton.Runtime.Calibration;

/// <summary>
/// A classifier's probability calibration, fitted on held-out predictions and kept as <c>calibration.json</c> beside the model: a
/// yes/no model's positive probability mapped through its log-odds (the raw score of trees and logistic models), a multiclass
/// model's class probabilities each mapped one-vs-rest and renormalized (as scikit-learn's <c>CalibratedClassifierCV</c>), or
/// every logit divided by one temperature (<see cref="TemperatureScaling"/>).
/// </summary>
public sealed record ProbabilityCalibration
{
    /// <summary>The file in a model folder that holds the calibration; the predictor loader applies it to any kind of model.</summary>
    public const string FileName = "calibration.json";

    /// <summary>Probabilities are kept this far from 0 and 1, so log-odds stay finite (±34.5).</summary>
    public const double Epsilon = 1e-15;

    /// <summary>
    /// The least calibrated probability of a class (an isotonic step may reach 0): what a float32 logit of ±27.6 decodes to, so a
    /// served answer and the training-side one agree, and a log loss stays finite.
    /// </summary>
    public const double Floor = 1e-12;

    /// <summary>The largest <see cref="FileName"/> read.</summary>
    public const long MaxFileBytes = 64L << 20;

    public ProbabilityCalibration(string method, int classes, IReadOnlyList<ICalibrationMap> maps)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(maps);
        if (method is not ("sigmoid" or "isotonic" or "temperature")) throw new ArgumentException($"Calibration method '{method}' is not sigmoid, isotonic or temperature.");
        if (classes < 2) throw new ArgumentException($"A calibration maps the probabilities of 2 or more classes, got {classes}.");
        int expected = classes == 2 || method == "temperature" ? 1 : classes;
        if (method == "temperature" != maps.All(m => m is TemperatureScaling))
            throw new ArgumentException($"A {method} calibration holds {(method == "temperature" ? "one temperature" : "sigmoid or isotonic maps")}.");
        if (maps.Count != expected) throw new ArgumentException($"A {classes}-class calibration has {expected} map(s), got {maps.Count}.");
        Method = method;
        Classes = classes;
        Maps = [.. maps];
    }

    /// <summary><c>sigmoid</c> (Platt), <c>isotonic</c> or <c>temperature</c>.</summary>
    public string Method { get; }

    /// <summary>2 for a yes/no model (one map, of the positive class), else the number of classes (one map each).</summary>
    public int Classes { get; }

    public IReadOnlyList<ICalibrationMap> Maps { get; }

    /// <summary>Where the held-out predictions came from (the validation split, or out-of-fold predictions of the training rows).</summary>
    public string Source { get; init; } = "";

    /// <summary>How many held-out rows it was fitted on.</summary>
    public int Rows { get; init; }

    /// <summary>The score a yes/no model's positive probability is mapped from: its log-odds.</summary>
    public static double LogOdds(double probability)
    {
        double p = Math.Clamp(probability, Epsilon, 1 - Epsilon);
        return Math.Log(p / (1 - p));
    }

    /// <summary>
    /// Calibrates one row of probabilities in place: (1) the positive probability of a yes/no model, or (K) class probabilities,
    /// renormalized (equal shares when every class maps to 0).
    /// </summary>
    public void Apply(Span<double> row)
    {
        if (Classes == 2)
        {
            if (row.Length != 1) throw new ArgumentException($"A yes/no calibration maps one probability per row, got {row.Length}.");
            row[0] = Math.Clamp(Maps[0].Map(LogOdds(row[0])), Floor, 1 - Floor);
            return;
        }
        if (row.Length != Classes) throw new ArgumentException($"A {Classes}-class calibration maps {Classes} probabilities per row, got {row.Length}.");
        if (Maps[0] is TemperatureScaling temperature)
        {
            // softmax(log p / T): the logits' row constant drops out, so the probabilities' logs serve as logits.
            double max = double.NegativeInfinity;
            for (int k = 0; k < row.Length; k++) max = Math.Max(max, row[k] = Math.Log(Math.Max(row[k], Epsilon)) / temperature.Temperature);
            double total = 0;
            for (int k = 0; k < row.Length; k++) total += row[k] = Math.Exp(row[k] - max);
            double kept = 0;
            for (int k = 0; k < row.Length; k++) kept += row[k] = Math.Max(row[k] / total, Floor);
            for (int k = 0; k < row.Length; k++) row[k] /= kept;
            return;
        }
        double sum = 0;
        for (int k = 0; k < row.Length; k++) sum += row[k] = Maps[k].Map(row[k]);
        double floored = 0;
        for (int k = 0; k < row.Length; k++) floored += row[k] = Math.Max(sum > 0 ? row[k] / sum : 1.0 / row.Length, Floor);
        for (int k = 0; k < row.Length; k++) row[k] /= floored;
    }

    /// <summary>
    /// Contributions to the model's logits turned into contributions to the calibrated logits, where the calibration is linear in them
    /// (a yes/no model's sigmoid, any temperature); null where it is not (isotonic, a multiclass model's sigmoids), whose contributions
    /// explain the score before it.
    /// </summary>
    public FeatureContributions? Rescale(FeatureContributions contributions) => Maps[0] switch
    {
        TemperatureScaling t => t.Rescale(contributions),
        PlattScaling p when Classes == 2 => p.Rescale(contributions),
        _ => null,
    };

    /// <summary>Calibrates (N·K) probabilities in place, row by row.</summary>
    public void ApplyAll(Span<double> probabilities)
    {
        int width = Classes == 2 ? 1 : Classes;
        if (probabilities.Length % width != 0) throw new ArgumentException($"{probabilities.Length} probabilities do not make rows of {width}.");
        for (int i = 0; i < probabilities.Length; i += width) Apply(probabilities.Slice(i, width));
    }

    /// <summary>
    /// Calibrates one row of raw outputs in place, as a server decodes them: a yes/no model's logit (decoded with a sigmoid) becomes the
    /// calibrated probability's logit, a multiclass model's logits (decoded with softmax) the logs of the calibrated probabilities.
    /// </summary>
    public void ApplyToLogits(Span<float> logits)
    {
        if (Classes == 2)
        {
            if (logits.Length != 1) throw new ArgumentException($"A yes/no calibration maps one logit per row, got {logits.Length}.");
            double p = Math.Clamp(Maps[0].Map(Math.Clamp((double)logits[0], -LogOddsLimit, LogOddsLimit)), Floor, 1 - Floor);
            logits[0] = (float)Math.Log(p / (1 - p));
            return;
        }
        if (logits.Length != Classes) throw new ArgumentException($"A {Classes}-class calibration maps {Classes} logits per row, got {logits.Length}.");
        if (Maps[0] is TemperatureScaling scaled)
        {
            for (int k = 0; k < logits.Length; k++) logits[k] = (float)(logits[k] / scaled.Temperature);
            return;
        }
        Span<double> row = logits.Length <= 64 ? stackalloc double[logits.Length] : new double[logits.Length];
        Lepton.NN.Tasks.ScoreMath.Softmax(logits, row);
        Apply(row);
        for (int k = 0; k < row.Length; k++) logits[k] = (float)Math.Log(row[k]);
    }

    // The log-odds of 1 − Epsilon: the largest score a yes/no map was fitted on.
    private static readonly double LogOddsLimit = LogOdds(1);

    /// <summary>Writes <see cref="FileName"/> into <paramref name="folder"/>.</summary>
    public void Save(string folder)
    {
        var maps = new JsonArray();
        foreach (var map in Maps)
            maps.Add(map switch
            {
                PlattScaling p => new JsonObject { ["slope"] = p.Slope, ["intercept"] = p.Intercept },
                IsotonicCurve c => new JsonObject { ["x"] = new JsonArray([.. c.X.Select(v => (JsonNode)v)]), ["y"] = new JsonArray([.. c.Y.Select(v => (JsonNode)v)]) },
                TemperatureScaling t => new JsonObject { ["temperature"] = t.Temperature },
                _ => throw new NotSupportedException($"Calibration map {map.GetType().Name} has no stored form."),
            });
        var root = new JsonObject
        {
            ["method"] = Method,
            ["classes"] = Classes,
            ["score"] = Classes == 2 ? "log_odds" : Method == "temperature" ? "logits" : "probability",
            ["source"] = Source,
            ["rows"] = Rows,
            ["maps"] = maps,
        };
        File.WriteAllText(Path.Combine(folder, FileName), root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>
    /// Writes <see cref="FileName"/> into the model folder <paramref name="folder"/> and records it in its model.json's metadata as
    /// <c>calibration</c> (method, source, rows, and <paramref name="extra"/>), edited as JSON so every model kind's fields survive.
    /// </summary>
    public void SaveTo(string folder, params (string Key, string Value)[] extra)
    {
        Save(folder);
        var record = new JsonObject { ["method"] = Method, ["source"] = Source, ["rows"] = Rows };
        foreach (var (key, value) in extra) record[key] = value;
        Lepton.NN.Serialization.ModelFile.EditMetadata(folder, metadata => metadata["calibration"] = record);
    }

    /// <summary>The calibration stored in <paramref name="folder"/>, or null when it holds none; a damaged file is an error naming it.</summary>
    public static ProbabilityCalibration? Load(string folder)
    {
        string path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) return null;
        // Bounded before it is read: an isotonic curve of a million held-out rows stays far below this.
        long bytes = new FileInfo(path).Length;
        if (bytes > MaxFileBytes)
            throw new InvalidDataException($"{FileName} in the model folder is {bytes:N0} bytes, over the {MaxFileBytes:N0} a calibration may take; refit it on fewer held-out rows, or delete it to serve the model uncalibrated.");
        try
        {
            var root = JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new InvalidDataException("it is empty");
            string method = root["method"]?.GetValue<string>() ?? throw new InvalidDataException("it names no method");
            int classes = root["classes"]?.GetValue<int>() ?? throw new InvalidDataException("it gives no class count");
            var maps = new List<ICalibrationMap>();
            foreach (var node in root["maps"]?.AsArray() ?? throw new InvalidDataException("it holds no maps"))
            {
                var map = node?.AsObject() ?? throw new InvalidDataException("a map is empty");
                maps.Add(method switch
                {
                    "sigmoid" => new PlattScaling(Number(map, "slope"), Number(map, "intercept")),
                    "temperature" => new TemperatureScaling(Number(map, "temperature")),
                    _ => new IsotonicCurve([.. Numbers(map, "x")], [.. Numbers(map, "y")]),
                });
            }
            return new ProbabilityCalibration(method, classes, maps)
            {
                Source = root["source"]?.GetValue<string>() ?? "",
                Rows = root["rows"]?.GetValue<int>() ?? 0,
            };
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException or FormatException)
        {
            throw new InvalidDataException($"{FileName} in the model folder is not a calibration Lepton wrote: {e.Message} Retrain with lepton train --calibrate, or delete it to serve the model uncalibrated.", e);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{FileName} in the model folder is not a calibration Lepton wrote: {e.Message}. Retrain with lepton train --calibrate, or delete it to serve the model uncalibrated.", e);
        }
    }

    /// <summary>A line for people: <c>isotonic, fitted on 8,000 rows of the validation split</c>.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture, $"{Method}, fitted on {Rows:N0} rows of {Source}");

    private static double Number(JsonObject map, string key)
    {
        double v = map[key]?.GetValue<double>() ?? throw new InvalidDataException($"a map has no '{key}'");
        return double.IsFinite(v) ? v : throw new InvalidDataException($"a map's '{key}' is not finite");
    }

    private static IEnumerable<double> Numbers(JsonObject map, string key) =>
        (map[key]?.AsArray() ?? throw new InvalidDataException($"a map has no '{key}'")).Select(v => v?.GetValue<double>() ?? throw new InvalidDataException($"a map's '{key}' holds null"));
}
