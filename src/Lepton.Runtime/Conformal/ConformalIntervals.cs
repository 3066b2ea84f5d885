using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lepton.NN.Tasks;

namespace Lepton.Runtime.Conformal;

/// <summary>
/// Split conformal prediction kept as <c>intervals.json</c> beside a model: from the nonconformity scores of held-out rows, one
/// quantile that turns every answer into an interval (regressors) or a set of classes (classifiers) holding the truth at least
/// <see cref="Level"/> of the time on rows like them (Vovk et al.; Angelopoulos and Bates, "A gentle introduction to conformal
/// prediction", 2021).
/// </summary>
public sealed record ConformalIntervals
{
    /// <summary>The file in a model folder that holds the intervals; servers, <c>predict</c>, <c>eval</c> and monitoring read it.</summary>
    public const string FileName = "intervals.json";

    /// <summary>The largest <see cref="FileName"/> read (it holds a handful of numbers).</summary>
    public const long MaxFileBytes = 1L << 20;

    /// <summary>
    /// Nonconformity scores: <c>absolute</c> |y − ŷ|, <c>scaled</c> |y − ŷ| / ŷ^(p/2), <c>upper</c> y − ŷ, <c>lower</c> ŷ − y,
    /// <c>quantiles</c> max(lo − y, y − hi) of a band [lo, hi] two quantile models answer (conformalized quantile regression),
    /// <c>probability</c> 1 − p(true class).
    /// </summary>
    public static readonly IReadOnlyList<string> Scores = ["absolute", "scaled", "upper", "lower", "quantiles", "probability"];

    /// <summary>The folders in a model folder that hold the lower and upper quantile models of a <c>quantiles</c> score's band.</summary>
    public static readonly (string Lower, string Upper) BandFolders = ("interval_lower", "interval_upper");

    public ConformalIntervals(string score, double level, double quantile, double power = 0)
    {
        ArgumentNullException.ThrowIfNull(score);
        if (!Scores.Contains(score)) throw new ArgumentException($"Conformal score '{score}' is not one of {string.Join(", ", Scores)}.");
        CheckLevel(level);
        if (!double.IsFinite(quantile)) throw new ArgumentException($"A conformal quantile is a finite number, got {quantile}.");
        // Absolute, scaled and probability scores are never negative (and 1 − p never above 1): another quantile was not fitted.
        if (score is "absolute" or "scaled" or "probability" && (quantile < 0 || score == "probability" && quantile > 1))
            throw new ArgumentException($"A {score} score's quantile lies in [0, {(score == "probability" ? "1" : "∞")}), got {quantile.ToString(CultureInfo.InvariantCulture)}.");
        if (score == "scaled" ? !(power is >= 1 and <= 2) : power != 0) throw new ArgumentException($"A {score} score takes {(score == "scaled" ? "a variance power in [1, 2]" : "no variance power")}, got {power}.");
        Score = score;
        Level = level;
        Quantile = quantile;
        Power = power;
        if (score == "quantiles") Band = BandLevels(level);
    }

    /// <summary>How far an answer is from the truth (see <see cref="Scores"/>).</summary>
    public string Score { get; }

    /// <summary>The share of rows whose truth the interval or set holds, at least, on rows exchangeable with the held-out ones.</summary>
    public double Level { get; }

    /// <summary>The held-out scores' conformal quantile: the ⌈(n+1)·level⌉-th smallest of n (of class-conditional sets: the largest class's).</summary>
    public double Quantile { get; }

    /// <summary>
    /// Class-conditional (Mondrian) sets: one quantile per class, of the held-out rows of that class, so the level holds among the rows
    /// of every class, a rare one too; null for sets whose level holds over all rows.
    /// </summary>
    public IReadOnlyList<double>? ClassQuantiles
    {
        get;
        init
        {
            if (value is not null && (Score != "probability" || value.Count < 2 || value.Any(q => !(q is >= 0 and <= 1))))
                throw new ArgumentException("Class-conditional quantiles are a classifier's, one number in [0, 1] per class (2 or more).");
            field = value is null ? null : [.. value];
        }
    }

    /// <summary>The variance power p of a <c>scaled</c> score (1 for counts, 2 for amounts, Tweedie's P between), so wider answers get wider intervals.</summary>
    public double Power { get; }

    /// <summary>
    /// The quantile levels of a <c>quantiles</c> score's band ((1 − level) / 2 and (1 + level) / 2: 0.05 and 0.95 for a 90%
    /// interval), whose models live in <see cref="BandFolders"/>; null for other scores.
    /// </summary>
    public (double Lower, double Upper)? Band { get; }

    /// <summary>Whether each row's interval needs its band from the two quantile models beside the model (<see cref="BandFolders"/>).</summary>
    public bool NeedsBand => Band is not null;

    /// <summary>The quantile levels of the band a <paramref name="level"/> interval is conformalized from.</summary>
    public static (double Lower, double Upper) BandLevels(double level)
    {
        CheckLevel(level);
        return (Math.Round((1 - level) / 2, 12), Math.Round((1 + level) / 2, 12));
    }

    /// <summary>Where the held-out predictions came from.</summary>
    public string Source { get; init; } = "";

    /// <summary>How many held-out rows the quantile was taken over.</summary>
    public int Rows { get; init; }

    /// <summary>A classifier's prediction sets rather than a regressor's intervals.</summary>
    public bool IsSet => Score == "probability";

    /// <summary>An interval bounded on one side only (a quantile regressor's bound).</summary>
    public bool IsOneSided => Score is "upper" or "lower";

    public static void CheckLevel(double level)
    {
        if (!(level is > 0 and < 1))
            throw new ArgumentException($"An interval's level is the share of answers that should hold the truth, strictly between 0 and 1 (0.9 for 90%), got {level.ToString(CultureInfo.InvariantCulture)}.");
    }

    /// <summary>The fewest held-out rows whose conformal quantile at <paramref name="level"/> exists: ⌈(n+1)·level⌉ ≤ n.</summary>
    public static int MinimumRows(double level) => (int)Math.Ceiling(level / (1 - level) - 1e-9);

    /// <summary>The ⌈(n+1)·level⌉-th smallest of <paramref name="scores"/> (sorted in place); refuses too few rows, naming how many are needed.</summary>
    public static double ConformalQuantile(double[] scores, double level)
    {
        CheckLevel(level);
        int n = scores.Length;
        int k = (int)Math.Ceiling((n + 1) * level - 1e-9);
        if (k > n)
            throw new ArgumentException($"A {Percent(level)} interval needs at least {MinimumRows(level):N0} held-out rows, got {n:N0}; lower the level or hold out more rows.");
        Array.Sort(scores);
        return scores[Math.Max(k, 1) - 1];
    }

    /// <summary>The score a regressor trained on <paramref name="loss"/> is judged by at <paramref name="level"/>; a quantile loss bounds its own side at its own level.</summary>
    public static (string Score, double Power) RegressionScore(RegressionLoss loss, double level)
    {
        ArgumentNullException.ThrowIfNull(loss);
        CheckLevel(level);
        if (loss.Kind == RegressionLossKind.Quantile)
        {
            double q = loss.Parameter;
            double own = Math.Max(q, 1 - q);
            if (Math.Abs(own - level) > 1e-9)
                throw new ArgumentException($"A {loss} model answers one bound, which holds the target {Percent(own)} of the time; pass --intervals {own.ToString(CultureInfo.InvariantCulture)} to make that hold, or train --loss squared for a two-sided {Percent(level)} interval.");
            return (q >= 0.5 ? "upper" : "lower", 0);
        }
        return loss.Kind switch
        {
            RegressionLossKind.Poisson => ("scaled", 1),
            RegressionLossKind.Gamma => ("scaled", 2),
            RegressionLossKind.Tweedie => ("scaled", loss.Parameter),
            _ => ("absolute", 0),
        };
    }

    /// <summary>Intervals for a regressor from its held-out <paramref name="predictions"/> (N) and <paramref name="labels"/> (N).</summary>
    public static ConformalIntervals ForRegression(RegressionLoss loss, double level, ReadOnlySpan<double> predictions, ReadOnlySpan<float> labels, string source)
    {
        if (predictions.Length != labels.Length) throw new ArgumentException($"{predictions.Length} held-out predictions for {labels.Length} labels.");
        var (score, power) = RegressionScore(loss, level);
        var scores = new double[labels.Length];
        for (int i = 0; i < scores.Length; i++) scores[i] = Nonconformity(score, power, predictions[i], labels[i]);
        return new ConformalIntervals(score, level, ConformalQuantile(scores, level), power) { Source = source, Rows = labels.Length };
    }

    /// <summary>
    /// Conformalized quantile regression (Romano, Patterson and Candès, 2019): from the held-out rows' band, (N) <paramref name="lower"/>
    /// and <paramref name="upper"/> answered by the quantile models at <see cref="BandLevels"/>, and their <paramref name="labels"/>, the
    /// quantile of max(lo − y, y − hi) that widens (or narrows) every row's band to hold the truth at <paramref name="level"/>.
    /// </summary>
    public static ConformalIntervals ForBand(double level, ReadOnlySpan<double> lower, ReadOnlySpan<double> upper, ReadOnlySpan<float> labels, string source)
    {
        if (lower.Length != labels.Length || upper.Length != labels.Length)
            throw new ArgumentException($"{lower.Length} lower and {upper.Length} upper held-out quantiles for {labels.Length} labels.");
        var scores = new double[labels.Length];
        for (int i = 0; i < scores.Length; i++) scores[i] = BandScore(lower[i], upper[i], labels[i]);
        return new ConformalIntervals("quantiles", level, ConformalQuantile(scores, level)) { Source = source, Rows = labels.Length };
    }

    // Two quantile models fitted apart can cross on a row; the band is read in order (rearrangement), here and when answering.
    private static double BandScore(double lower, double upper, double target) =>
        Math.Max(Math.Min(lower, upper) - target, target - Math.Max(lower, upper));

    /// <summary>
    /// Prediction sets for a classifier from its held-out probabilities: (N) a yes/no model's positive probability, or (N, K) class
    /// probabilities row-major (a yes/no model's too); <paramref name="labels"/> are class indices. <paramref name="perClass"/>: one
    /// quantile per class (<see cref="ClassQuantiles"/>), each class needing <see cref="MinimumRows"/> held-out rows of its own
    /// (<paramref name="classNames"/> name a class that has too few).
    /// </summary>
    public static ConformalIntervals ForClassifier(int classes, double level, ReadOnlySpan<double> probabilities, ReadOnlySpan<float> labels, string source,
        bool perClass = false, IReadOnlyList<string>? classNames = null)
    {
        if (classes < 2) throw new ArgumentException($"A prediction set chooses among 2 or more classes, got {classes}.");
        // A yes/no model may give its positive probability alone or both classes'.
        int width = classes == 2 && probabilities.Length == labels.Length ? 1 : classes;
        if (probabilities.Length != labels.Length * width) throw new ArgumentException($"{probabilities.Length} held-out probabilities for {labels.Length} rows of {classes} classes.");
        var scores = new double[labels.Length];
        for (int i = 0; i < scores.Length; i++)
        {
            int y = (int)labels[i];
            if (y < 0 || y >= classes) throw new ArgumentException($"Held-out label {labels[i]} is not a class index below {classes}.");
            double p = width == 1 ? (y == 1 ? probabilities[i] : 1 - probabilities[i]) : probabilities[i * width + y];
            scores[i] = 1 - p;
        }
        if (!perClass) return new ConformalIntervals("probability", level, ConformalQuantile((double[])scores.Clone(), level)) { Source = source, Rows = labels.Length };
        var quantiles = new double[classes];
        for (int k = 0; k < classes; k++)
        {
            var own = new List<double>();
            for (int i = 0; i < scores.Length; i++) if ((int)labels[i] == k) own.Add(scores[i]);
            if (own.Count < MinimumRows(level))
                throw new ArgumentException($"Class '{(classNames is not null && k < classNames.Count ? classNames[k] : k.ToString(CultureInfo.InvariantCulture))}' has {own.Count:N0} held-out rows; " +
                                            $"a {Percent(level)} set for each class needs {MinimumRows(level):N0} of every class. Hold out more rows, lower the level, or leave out the per-class option.");
            quantiles[k] = ConformalQuantile([.. own], level);
        }
        return new ConformalIntervals("probability", level, quantiles.Max()) { Source = source, Rows = labels.Length, ClassQuantiles = quantiles };
    }

    private static double Nonconformity(string score, double power, double prediction, double target) => score switch
    {
        "scaled" => Math.Abs(target - prediction) / Scale(power, prediction),
        "upper" => target - prediction,
        "lower" => prediction - target,
        _ => Math.Abs(target - prediction),
    };

    // ŷ^(p/2): the spread a count (p = 1) or an amount (p = 2) has around its mean; a log-link answer is positive, kept from 0.
    private static double Scale(double power, double prediction) => Math.Pow(Math.Max(prediction, 1e-12), power / 2);

    /// <summary>The interval around a regressor's answer; an open side is ±∞, and a scaled (log-link) interval never goes below 0.</summary>
    public (double Lower, double Upper) Interval(double prediction)
    {
        if (IsSet) throw new InvalidOperationException("A classifier's conformal answer is a set of classes, not an interval.");
        if (NeedsBand) throw new InvalidOperationException("A conformalized quantile interval needs the row's band from the quantile models beside the model; pass it.");
        return Score switch
        {
            "upper" => (double.NegativeInfinity, prediction + Quantile),
            "lower" => (prediction - Quantile, double.PositiveInfinity),
            "scaled" => (Math.Max(0, prediction - Quantile * Scale(Power, prediction)), prediction + Quantile * Scale(Power, prediction)),
            _ => (prediction - Quantile, prediction + Quantile),
        };
    }

    /// <summary>
    /// The interval of a row the quantile models answered [<paramref name="bandLower"/>, <paramref name="bandUpper"/>]: the band moved
    /// out by the quantile (in, when it is negative), and stretched to hold <paramref name="prediction"/> so an answer always lies in its
    /// own interval (which can only raise the coverage). Other scores ignore the band.
    /// </summary>
    public (double Lower, double Upper) Interval(double prediction, double bandLower, double bandUpper)
    {
        if (!NeedsBand) return Interval(prediction);
        double lower = Math.Min(bandLower, bandUpper) - Quantile, upper = Math.Max(bandLower, bandUpper) + Quantile;
        return (Math.Min(lower, prediction), Math.Max(upper, prediction));
    }

    /// <summary>The interval of row <paramref name="row"/> with its band, when the intervals need one, from (N, 2) <paramref name="band"/> rows of (lower, upper).</summary>
    public (double Lower, double Upper) Interval(double prediction, ReadOnlySpan<float> band, int row)
    {
        if (!NeedsBand) return Interval(prediction);
        if (band.Length < 2 * (row + 1)) throw new ArgumentException($"A band of {band.Length / 2} rows has no row {row}; the quantile models answer every row.");
        return Interval(prediction, band[2 * row], band[2 * row + 1]);
    }

    /// <summary>Whether the interval around <paramref name="prediction"/> holds <paramref name="target"/>.</summary>
    public bool Covers(double prediction, double target)
    {
        var (lower, upper) = Interval(prediction);
        return target >= lower && target <= upper;
    }

    /// <summary>
    /// The classes in the set of one row of class probabilities (K, summing to 1), most probable first: every class whose probability
    /// is at least 1 − quantile, and always <paramref name="answered"/> (the class the model answers), so a set is never empty.
    /// </summary>
    public IReadOnlyList<int> Set(ReadOnlySpan<double> probabilities, int answered)
    {
        if (!IsSet) throw new InvalidOperationException("A regressor's conformal answer is an interval, not a set of classes.");
        if (ClassQuantiles is { } q && q.Count != probabilities.Length)
            throw new ArgumentException($"Class-conditional sets of {q.Count} classes cannot read a row of {probabilities.Length} probabilities.");
        var members = new List<int>(4);
        for (int k = 0; k < probabilities.Length; k++)
        {
            // The score compared as it was fitted (1 − p ≤ q), so a row scored as a held-out one is in its set exactly.
            if (k != answered && 1 - probabilities[k] > (ClassQuantiles?[k] ?? Quantile)) continue;
            // Insertion by falling probability; a tie stays behind the lower index added before it (sets are a few classes).
            int at = members.Count;
            while (at > 0 && probabilities[members[at - 1]] < probabilities[k]) at--;
            members.Insert(at, k);
        }
        return members;
    }

    /// <summary>A yes/no model's set from its positive probability and the class it answers at its threshold.</summary>
    public IReadOnlyList<int> BinarySet(double positive, int answered) => Set([1 - positive, positive], answered);

    /// <summary>Writes <see cref="FileName"/> into <paramref name="folder"/>.</summary>
    public void Save(string folder)
    {
        var root = new JsonObject
        {
            ["score"] = Score,
            ["level"] = Level,
            ["quantile"] = Quantile,
        };
        if (Score == "scaled") root["power"] = Power;
        if (Band is var (lower, upper)) root["band"] = new JsonObject { ["lower"] = lower, ["upper"] = upper, ["folders"] = new JsonArray(BandFolders.Lower, BandFolders.Upper) };
        if (ClassQuantiles is { } perClass) root["class_quantiles"] = new JsonArray([.. perClass.Select(q => (JsonNode)q)]);
        root["source"] = Source;
        root["rows"] = Rows;
        File.WriteAllText(Path.Combine(folder, FileName), root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>Writes <see cref="FileName"/> and records it in the folder's model.json metadata as <c>intervals</c> (score, level, source, rows).</summary>
    public void SaveTo(string folder, params (string Key, string Value)[] extra)
    {
        Save(folder);
        var record = new JsonObject { ["score"] = Score, ["level"] = Level, ["source"] = Source, ["rows"] = Rows };
        if (ClassQuantiles is not null) record["per_class"] = true;
        foreach (var (key, value) in extra) record[key] = value;
        Lepton.NN.Serialization.ModelFile.EditMetadata(folder, metadata => metadata["intervals"] = record);
    }

    /// <summary>The intervals stored in <paramref name="folder"/>, or null when it holds none; a damaged file is an error naming it and the fix.</summary>
    public static ConformalIntervals? Load(string folder)
    {
        string path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) return null;
        long bytes = new FileInfo(path).Length;
        if (bytes > MaxFileBytes)
            throw new InvalidDataException($"{FileName} in the model folder is {bytes:N0} bytes, over the {MaxFileBytes:N0} it may take; retrain with lepton train --intervals, or delete it to serve the model without intervals.");
        try
        {
            var root = JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new InvalidDataException("it is empty");
            string score = root["score"]?.GetValue<string>() ?? throw new InvalidDataException("it names no score");
            double level = root["level"]?.GetValue<double>() ?? throw new InvalidDataException("it gives no level");
            double quantile = root["quantile"]?.GetValue<double>() ?? throw new InvalidDataException("it gives no quantile");
            return new ConformalIntervals(score, level, quantile, root["power"]?.GetValue<double>() ?? 0)
            {
                Source = root["source"]?.GetValue<string>() ?? "",
                Rows = root["rows"]?.GetValue<int>() ?? 0,
                ClassQuantiles = root["class_quantiles"] is JsonArray perClass
                    ? [.. perClass.Select(q => q?.GetValue<double>() ?? throw new InvalidDataException("a class quantile is null"))] : null,
            };
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException or FormatException or InvalidDataException)
        {
            throw new InvalidDataException($"{FileName} in the model folder is not one Lepton wrote: {e.Message.TrimEnd('.')}. Retrain with lepton train --intervals, or delete it to serve the model without intervals.", e);
        }
    }

    /// <summary>
    /// Checks the intervals fit a model answering <paramref name="task"/> with <paramref name="width"/> values per row; throws
    /// <see cref="InvalidDataException"/> naming the mismatch.
    /// </summary>
    public void CheckFits(Lepton.NN.Serialization.TaskKind task, int width)
    {
        bool classifier = task is Lepton.NN.Serialization.TaskKind.Binary or Lepton.NN.Serialization.TaskKind.Multiclass;
        if (IsSet != classifier || task == Lepton.NN.Serialization.TaskKind.MultiLabel || (!classifier && width != 1))
            throw new InvalidDataException($"{FileName} holds {(IsSet ? "a classifier's prediction sets" : "a regressor's intervals")} but the model is {Lepton.NN.Serialization.TaskSpec.NameOf(task)}{(!classifier && width != 1 ? $" of {width} targets" : "")}; the files belong to different models; delete {FileName}.");
        int classes = task == Lepton.NN.Serialization.TaskKind.Binary ? 2 : width;
        if (ClassQuantiles is { } q && q.Count != classes)
            throw new InvalidDataException($"{FileName} holds sets of {q.Count} classes but the model has {classes}; the files belong to different models; delete {FileName}.");
    }

    /// <summary>A line for people: <c>90% intervals (absolute residuals), fitted on 4,000 rows of the validation split</c>.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{Percent(Level)} {(ClassQuantiles is not null ? "prediction sets for every class" : IsSet ? "prediction sets" : IsOneSided ? "bound" : "intervals")} ({ScoreText}), fitted on {Rows:N0} rows of {Source}");

    private string ScoreText => Score switch
    {
        "absolute" => $"absolute residuals, ±{Quantile.ToString("G4", CultureInfo.InvariantCulture)}",
        "scaled" => $"residuals scaled by the answer^{(Power / 2).ToString("G3", CultureInfo.InvariantCulture)}, ×{Quantile.ToString("G4", CultureInfo.InvariantCulture)}",
        "upper" => $"the upper bound moved by {Quantile.ToString("+0.####;-0.####", CultureInfo.InvariantCulture)}",
        "lower" => $"the lower bound moved by {(-Quantile).ToString("+0.####;-0.####", CultureInfo.InvariantCulture)}",
        "quantiles" => $"quantiles {Percent(Band!.Value.Lower)}–{Percent(Band.Value.Upper)} of two more models, widened by {Quantile.ToString("+0.####;-0.####", CultureInfo.InvariantCulture)}",
        _ when ClassQuantiles is { } q => "classes with probability ≥ " + string.Join(" / ", q.Select(v => (1 - v).ToString("G4", CultureInfo.InvariantCulture))) + " by class",
        _ => $"classes with probability ≥ {(1 - Quantile).ToString("G4", CultureInfo.InvariantCulture)}",
    };

    /// <summary><c>90%</c>, <c>97.5%</c>.</summary>
    public static string Percent(double level) => (level * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";
}
