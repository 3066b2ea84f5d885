using System.Globalization;

namespace Lepton.Training.Classic;

/// <summary>
/// How a binary classifier's decision threshold is set: a fixed probability, or a rule chosen on held-out predictions: the
/// highest F1 of the positive class (<c>f1</c>), the highest recall at a precision of at least P (<c>precision=P</c>), the
/// highest precision at a recall of at least R (<c>recall=R</c>), or the lowest cost when a missed positive costs C false alarms
/// (<c>cost=C</c>: the most C·TP − FP).
/// </summary>
public sealed record DecisionThreshold
{
    private DecisionThreshold(string rule, double value) => (Rule, Value) = (rule, value);

    /// <summary><c>fixed</c>, <c>f1</c>, <c>precision</c>, <c>recall</c> or <c>cost</c>.</summary>
    public string Rule { get; }

    /// <summary>The fixed threshold, the precision or recall to reach, or a missed positive's cost in false alarms; unused for <c>f1</c>.</summary>
    public double Value { get; }

    /// <summary>Whether the threshold is chosen on held-out predictions (every rule but a fixed one).</summary>
    public bool IsChosen => Rule != "fixed";

    public static DecisionThreshold Fixed(double threshold)
    {
        if (!(threshold is >= 0 and <= 1)) throw new ArgumentException($"A decision threshold is a probability in [0, 1], got {threshold.ToString(CultureInfo.InvariantCulture)}.");
        return new("fixed", threshold);
    }

    public static DecisionThreshold MaxF1 { get; } = new("f1", double.NaN);

    /// <summary>The most recall at a precision of at least <paramref name="precision"/>.</summary>
    public static DecisionThreshold MinPrecision(double precision) => new("precision", Target(precision, "precision"));

    /// <summary>The most precision at a recall of at least <paramref name="recall"/>.</summary>
    public static DecisionThreshold MinRecall(double recall) => new("recall", Target(recall, "recall"));

    /// <summary>The least cost when a missed positive costs <paramref name="falseAlarms"/> false alarms.</summary>
    public static DecisionThreshold MinCost(double falseAlarms)
    {
        if (!(falseAlarms > 0) || double.IsInfinity(falseAlarms))
            throw new ArgumentException($"--threshold cost=C needs C > 0 (a missed positive costs C false alarms), got {falseAlarms.ToString(CultureInfo.InvariantCulture)}.");
        return new("cost", falseAlarms);
    }

    /// <summary>
    /// A probability (<c>0.3</c>), <c>f1</c>, <c>precision=0.9</c> or <c>recall=0.8</c> (<c>&gt;=</c> reads as <c>=</c>); the error
    /// names the forms when the text is none of them.
    /// </summary>
    public static DecisionThreshold Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim().ToLowerInvariant();
        if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var fixedValue)) return Fixed(fixedValue);
        if (t == "f1") return MaxF1;
        var parts = t.Replace(">=", "=").Split('=', 2, StringSplitOptions.TrimEntries);
        if (parts.Length == 2 && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var target))
        {
            if (parts[0] == "precision") return MinPrecision(target);
            if (parts[0] == "recall") return MinRecall(target);
            if (parts[0] == "cost") return MinCost(target);
        }
        throw new ArgumentException($"--threshold {text}: give a probability (0.3), f1 (the threshold of the best F1), precision=0.9 (the most recall at that precision), recall=0.8 (the most precision at that recall) or cost=20 (the least cost when a missed positive costs 20 false alarms).");
    }

    /// <summary>The text <see cref="Parse"/> reads back.</summary>
    public override string ToString() => Rule switch
    {
        "fixed" => Value.ToString("R", CultureInfo.InvariantCulture),
        "f1" => "f1",
        _ => $"{Rule}={Value.ToString("R", CultureInfo.InvariantCulture)}",
    };

    /// <summary>
    /// The threshold the rule gives on held-out positive-class probabilities and their 0/1 labels. A chosen threshold lies midway
    /// between the lowest probability it calls positive and the next lower one, so a new row scored between them is not decided by
    /// the rounding of one held-out row. When no threshold reaches the asked precision or recall, the closest one is taken and
    /// <see cref="ThresholdChoice.Met"/> is false. With <paramref name="weights"/> each row counts its weight in precision, recall and
    /// cost (scikit-learn's <c>sample_weight</c>); a row weighing 0 still marks a cut.
    /// </summary>
    public ThresholdChoice Choose(ReadOnlySpan<double> probabilities, ReadOnlySpan<float> labels, string source, ReadOnlySpan<float> weights = default)
    {
        if (probabilities.Length != labels.Length)
            throw new ArgumentException($"{probabilities.Length} probabilities for {labels.Length} labels.");
        CheckWeights(weights, labels.Length);
        int n = labels.Length, positives = 0;
        double positiveWeight = 0;
        for (int i = 0; i < n; i++)
            if (labels[i] >= 0.5f) { positives++; positiveWeight += Weight(weights, i); }
        if (!IsChosen)
        {
            var (p, r) = PrecisionRecallAt(probabilities, labels, Value, weights);
            return new ThresholdChoice(ToString(), Value, source, n, positives, p, r, F1(p, r));
        }
        if (positives == 0 || positives == n)
            throw new ArgumentException($"--threshold {this} needs held-out rows of both classes to choose on; the {source} has {positives:N0} positive of {n:N0}. Give a fixed threshold instead.");
        if (positiveWeight <= 0)
            throw new ArgumentException($"--threshold {this} needs held-out positive rows that weigh more than 0 to choose on; the {source} has none. Give a fixed threshold instead.");
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        var scores = probabilities.ToArray();
        Array.Sort(order, (a, b) => scores[b].CompareTo(scores[a]));
        // Walk the thresholds from the highest probability down; each distinct probability is one candidate cut.
        double bestKey = double.NegativeInfinity, bestClosest = double.NegativeInfinity;
        (double T, double P, double R) best = default, closest = default;
        bool met = false;
        double tp = 0, fp = 0;
        for (int i = 0; i < n;)
        {
            double s = scores[order[i]];
            int j = i;
            for (; j < n && scores[order[j]] == s; j++)
            {
                if (labels[order[j]] >= 0.5f) tp += Weight(weights, order[j]);
                else fp += Weight(weights, order[j]);
            }
            double precision = tp + fp > 0 ? tp / (tp + fp) : 0, recall = tp / positiveWeight;
            double next = j < n ? scores[order[j]] : 0;
            double cut = j < n ? (s + next) / 2 : s;
            var point = (cut, precision, recall);
            switch (Rule)
            {
                case "f1":
                    if (F1(precision, recall) > bestKey) (bestKey, best, met) = (F1(precision, recall), point, true);
                    break;
                case "precision":
                    if (precision >= Value && recall > bestKey) (bestKey, best, met) = (recall, point, true);
                    if (precision > bestClosest) (bestClosest, closest) = (precision, point);
                    break;
                case "cost": // the cost saved against flagging nothing: C·TP − FP
                    if (Value * tp - fp > bestKey) (bestKey, best, met) = (Value * tp - fp, point, true);
                    break;
                default: // recall: the highest precision among cuts that keep the recall
                    if (recall >= Value && precision > bestKey) (bestKey, best, met) = (precision, point, true);
                    if (recall > bestClosest) (bestClosest, closest) = (recall, point);
                    break;
            }
            i = j;
        }
        var (threshold, pr, rc) = met ? best : closest;
        return new ThresholdChoice(ToString(), Math.Clamp(threshold, 0, 1), source, n, positives, pr, rc, F1(pr, rc)) { Met = met };
    }

    /// <summary>
    /// What the rule maximizes: <c>f1</c>, <c>recall</c> (at the precision asked), <c>precision</c> (at the recall asked),
    /// <c>savings</c> (cost rule: (C·TP − FP) per row, in false alarms, against flagging nothing); <c>accuracy</c> for a fixed threshold.
    /// </summary>
    public string Objective => Rule switch
    {
        "f1" => "f1",
        "precision" => "recall",
        "recall" => "precision",
        "cost" => "savings",
        _ => "accuracy",
    };

    /// <summary>
    /// <see cref="Objective"/> on held-out probabilities and labels at <paramref name="threshold"/> (F1 for a fixed threshold, whose
    /// accuracy callers score themselves); with <paramref name="weights"/>, each row counts its weight.
    /// </summary>
    public double ObjectiveAt(ReadOnlySpan<double> probabilities, ReadOnlySpan<float> labels, double threshold, ReadOnlySpan<float> weights = default)
    {
        CheckWeights(weights, labels.Length);
        if (Rule == "cost")
        {
            double tp = 0, fp = 0, total = 0;
            for (int i = 0; i < labels.Length; i++)
            {
                double w = Weight(weights, i);
                total += w;
                if (probabilities[i] >= threshold) { if (labels[i] >= 0.5f) tp += w; else fp += w; }
            }
            return total == 0 ? 0 : (Value * tp - fp) / total;
        }
        var (precision, recall) = PrecisionRecallAt(probabilities, labels, threshold, weights);
        return Rule switch
        {
            "precision" => recall,
            "recall" => precision,
            _ => F1(precision, recall),
        };
    }

    /// <summary>
    /// <see cref="Objective"/> on one set of held-out rows at the threshold chosen on those rows alone (a fold's score while a
    /// search runs); 0 when the rows hold one class only, or no positive row weighs anything.
    /// </summary>
    public double ObjectiveOnItsOwn(double[] probabilities, float[] labels, float[]? weights = null)
    {
        bool both = labels.Any(y => y >= 0.5f) && labels.Any(y => y < 0.5f);
        if (weights is not null && !labels.Where((y, i) => y >= 0.5f && weights[i] > 0).Any()) both = false;
        return both ? ObjectiveAt(probabilities, labels, Choose(probabilities, labels, "rows", weights).Threshold, weights) : 0;
    }

    /// <summary>
    /// Precision and recall of the positive class when probabilities at or above <paramref name="threshold"/> say positive; with
    /// <paramref name="weights"/>, each row counts its weight.
    /// </summary>
    public static (double Precision, double Recall) PrecisionRecallAt(ReadOnlySpan<double> probabilities, ReadOnlySpan<float> labels, double threshold,
        ReadOnlySpan<float> weights = default)
    {
        CheckWeights(weights, labels.Length);
        double tp = 0, fp = 0, positives = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            bool actual = labels[i] >= 0.5f;
            double w = Weight(weights, i);
            if (actual) positives += w;
            if (probabilities[i] < threshold) continue;
            if (actual) tp += w;
            else fp += w;
        }
        return (tp + fp == 0 ? 0 : tp / (tp + fp), positives == 0 ? 0 : tp / positives);
    }

    private static double Weight(ReadOnlySpan<float> weights, int row) => weights.IsEmpty ? 1 : weights[row];

    private static void CheckWeights(ReadOnlySpan<float> weights, int rows)
    {
        if (!weights.IsEmpty && weights.Length != rows) throw new ArgumentException($"{rows} held-out rows need {rows} weights, got {weights.Length}.");
    }

    internal static double F1(double precision, double recall) => precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);

    private static double Target(double value, string what)
    {
        if (!(value is > 0 and <= 1)) throw new ArgumentException($"--threshold {what}=P needs P in (0, 1], got {value.ToString(CultureInfo.InvariantCulture)}.");
        return value;
    }
}

/// <summary>
/// The decision threshold a binary model uses, with how it was set: the <paramref name="Rule"/> (<c>f1</c>, <c>precision=0.9</c>,
/// or the fixed value), where it was chosen (<paramref name="Source"/>, <paramref name="Rows"/> held-out rows, of which
/// <paramref name="Positives"/> positive) and the precision, recall and F1 it gave there (null for a threshold given, not chosen).
/// </summary>
public sealed record ThresholdChoice(string Rule, double Threshold, string Source, int Rows = 0, int Positives = 0,
    double? Precision = null, double? Recall = null, double? F1 = null)
{
    /// <summary>Whether the rule's precision or recall was reached (always for f1 and a fixed threshold).</summary>
    public bool Met { get; init; } = true;

    /// <summary>A threshold given as a number, not chosen on rows.</summary>
    public static ThresholdChoice Given(double threshold) => new(DecisionThreshold.Fixed(threshold).ToString(), threshold, "given");

    /// <summary>model.json's <c>metadata.decision_threshold</c>.</summary>
    public System.Text.Json.Nodes.JsonObject ToJson() => new()
    {
        ["rule"] = Rule,
        ["threshold"] = Threshold,
        ["source"] = Source,
        ["rows"] = Rows,
        ["positives"] = Positives,
        ["precision"] = Precision,
        ["recall"] = Recall,
        ["f1"] = F1,
        ["met"] = Met,
    };

    /// <summary>Reads <see cref="ToJson"/>'s object back; null when <paramref name="node"/> is not one.</summary>
    public static ThresholdChoice? FromJson(System.Text.Json.Nodes.JsonNode? node)
    {
        if (node is not System.Text.Json.Nodes.JsonObject o) return null;
        try
        {
            return new ThresholdChoice(o["rule"]!.GetValue<string>(), o["threshold"]!.GetValue<double>(), o["source"]?.GetValue<string>() ?? "",
                o["rows"]?.GetValue<int>() ?? 0, o["positives"]?.GetValue<int>() ?? 0,
                o["precision"]?.GetValue<double>(), o["recall"]?.GetValue<double>(), o["f1"]?.GetValue<double>())
            { Met = o["met"]?.GetValue<bool>() ?? true };
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or NullReferenceException)
        {
            return null;
        }
    }
}
