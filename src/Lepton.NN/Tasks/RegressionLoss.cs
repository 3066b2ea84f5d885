using System.Globalization;

namespace Lepton.NN.Tasks;

/// <summary>The loss a regressor minimizes, which fixes what its prediction estimates (a mean, a median, a quantile).</summary>
public enum RegressionLossKind
{
    /// <summary>Squared error: the conditional mean.</summary>
    Squared,

    /// <summary>Absolute error: the conditional median, unmoved by a few wild targets.</summary>
    Absolute,

    /// <summary>Pinball loss at level q: the conditional q-quantile (0.9: a value the target stays under 90% of the time).</summary>
    Quantile,

    /// <summary>Poisson deviance with a log link: the mean of a count (sales, visits, claims); targets ≥ 0.</summary>
    Poisson,

    /// <summary>Gamma deviance with a log link: the mean of a positive, right-skewed amount (claim sizes, durations); targets &gt; 0.</summary>
    Gamma,

    /// <summary>Tweedie deviance with a log link and power p in (1, 2): the mean of an amount that is often exactly 0; targets ≥ 0.</summary>
    Tweedie,
}

/// <summary>
/// A regression loss (<c>squared</c>, <c>absolute</c>, <c>quantile=0.9</c>, <c>poisson</c>, <c>gamma</c>, <c>tweedie=1.5</c>): what
/// the learners minimize, the metric that ranks and early-stops them (lower is better) and the targets it accepts. Poisson, gamma
/// and Tweedie predict through a log link, so predictions stay positive and feature contributions add up to the log of the prediction.
/// </summary>
public sealed record RegressionLoss
{
    private RegressionLoss(RegressionLossKind kind, double parameter)
    {
        Kind = kind;
        Parameter = parameter;
    }

    public RegressionLossKind Kind { get; }

    /// <summary>The quantile level q of <see cref="RegressionLossKind.Quantile"/>, the power p of <see cref="RegressionLossKind.Tweedie"/>; else 0.</summary>
    public double Parameter { get; }

    public static RegressionLoss Squared { get; } = new(RegressionLossKind.Squared, 0);

    public static RegressionLoss Absolute { get; } = new(RegressionLossKind.Absolute, 0);

    public static RegressionLoss Poisson { get; } = new(RegressionLossKind.Poisson, 0);

    public static RegressionLoss Gamma { get; } = new(RegressionLossKind.Gamma, 0);

    /// <summary>The pinball loss at level <paramref name="q"/> in (0, 1).</summary>
    public static RegressionLoss Quantile(double q) => q is > 0 and < 1
        ? new(RegressionLossKind.Quantile, q)
        : throw new ArgumentException($"A quantile loss takes a level in (0, 1) such as quantile=0.9, got {Format(q)}.");

    /// <summary>Tweedie deviance with variance power <paramref name="power"/> in (1, 2) (1.5 unless told).</summary>
    public static RegressionLoss Tweedie(double power = 1.5) => power is > 1 and < 2
        ? new(RegressionLossKind.Tweedie, power)
        : throw new ArgumentException($"A Tweedie loss takes a variance power in (1, 2) such as tweedie=1.5 (1 is poisson, 2 is gamma), got {Format(power)}.");

    /// <summary>The forms <see cref="Parse"/> reads, for help and errors.</summary>
    public const string Forms = "squared, absolute, quantile=Q (0 < Q < 1), poisson, gamma, tweedie or tweedie=P (1 < P < 2)";

    /// <summary>Reads <c>squared</c>, <c>absolute</c>, <c>quantile=0.9</c>, <c>poisson</c>, <c>gamma</c>, <c>tweedie</c> or <c>tweedie=1.2</c>; the error names the forms.</summary>
    public static RegressionLoss Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim().ToLowerInvariant();
        int eq = t.IndexOf('=', StringComparison.Ordinal);
        string name = eq < 0 ? t : t[..eq].Trim();
        string? value = eq < 0 ? null : t[(eq + 1)..].Trim();
        double Number()
        {
            if (value is null || !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
                throw new ArgumentException($"'{text}' gives {name} no number after '='; the losses are {Forms}.");
            return v;
        }
        RegressionLoss loss = name switch
        {
            "squared" or "l2" or "mse" => Squared,
            "absolute" or "l1" or "mae" => Absolute,
            "poisson" => Poisson,
            "gamma" => Gamma,
            "tweedie" => value is null ? Tweedie() : Tweedie(Number()),
            "quantile" => value is null
                ? throw new ArgumentException($"'{text}' names no quantile level; give one, e.g. quantile=0.9 (a value the target stays under 90% of the time).")
                : Quantile(Number()),
            _ => throw new ArgumentException($"'{text}' is not a regression loss; use {Forms}."),
        };
        if (value is not null && loss.Kind is not (RegressionLossKind.Quantile or RegressionLossKind.Tweedie))
            throw new ArgumentException($"'{text}': the {name} loss takes no value after '='; the losses are {Forms}.");
        return loss;
    }

    /// <summary>As <see cref="Parse"/>, false (and null) for text that names no loss instead of an error.</summary>
    public static bool TryParse(string? text, out RegressionLoss? loss)
    {
        loss = null;
        if (text is null) return false;
        try
        {
            loss = Parse(text);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Predictions go through exp (they are positive); the model's raw score and its contributions are on the log scale (<see cref="Serialization.TaskSpec.LogLink"/> asks this of model.json's loss).</summary>
    public bool LogLink => Kind is RegressionLossKind.Poisson or RegressionLossKind.Gamma or RegressionLossKind.Tweedie;

    /// <summary>The quantile a prediction estimates under the pinball loss: Q for <c>quantile=Q</c>, 0.5 for absolute (the median), else null.</summary>
    public double? QuantileLevel => Kind switch
    {
        RegressionLossKind.Quantile => Parameter,
        RegressionLossKind.Absolute => 0.5,
        _ => null,
    };

    /// <summary>The metric of this loss (lower is better): <c>rmse</c>, <c>mae</c>, <c>pinball_loss</c>, <c>poisson_deviance</c>, ...</summary>
    public string Metric => Kind switch
    {
        RegressionLossKind.Squared => "rmse",
        RegressionLossKind.Absolute => "mae",
        RegressionLossKind.Quantile => "pinball_loss",
        RegressionLossKind.Poisson => "poisson_deviance",
        RegressionLossKind.Gamma => "gamma_deviance",
        _ => "tweedie_deviance",
    };

    /// <summary>The metric's name for people: <c>RMSE</c>, <c>Poisson deviance</c>, <c>pinball loss (q = 0.9)</c>.</summary>
    public string MetricTitle => Kind switch
    {
        RegressionLossKind.Squared => "RMSE",
        RegressionLossKind.Absolute => "MAE",
        RegressionLossKind.Quantile => $"pinball loss (q = {Format(Parameter)})",
        RegressionLossKind.Poisson => "Poisson deviance",
        RegressionLossKind.Gamma => "gamma deviance",
        _ => $"Tweedie deviance (p = {Format(Parameter)})",
    };

    /// <summary>What a prediction estimates, for model cards and reports: <c>the mean</c>, <c>the 0.9 quantile</c>, ...</summary>
    public string Estimates => Kind switch
    {
        RegressionLossKind.Absolute => "the median",
        RegressionLossKind.Quantile => $"the {Format(Parameter)} quantile (the target stays at or under it {Format(Parameter * 100)}% of the time)",
        RegressionLossKind.Squared => "the mean",
        _ => "the mean, through a log link (always positive)",
    };

    /// <summary>
    /// Null when <paramref name="y"/> (row <paramref name="row"/>'s target) suits the loss, else why not: Poisson and Tweedie take
    /// targets ≥ 0, gamma targets &gt; 0.
    /// </summary>
    public string? RefusesTarget(float y, int row) => Kind switch
    {
        RegressionLossKind.Poisson or RegressionLossKind.Tweedie when y < 0 =>
            $"Label of row {row} is {Format(y)}; the {this} loss models amounts that cannot be negative. Use squared or absolute for a target below 0.",
        RegressionLossKind.Gamma when y <= 0 =>
            $"Label of row {row} is {Format(y)}; the gamma loss models positive amounts. Use tweedie for a target that is often exactly 0, squared or absolute below 0.",
        _ => null,
    };

    /// <summary>
    /// The loss's metric of <paramref name="predictions"/> against <paramref name="labels"/>: RMSE, MAE, the mean pinball loss, or
    /// the mean deviance (as scikit-learn's <c>mean_poisson_deviance</c>, <c>mean_gamma_deviance</c>, <c>mean_tweedie_deviance</c>).
    /// A deviance of a prediction at or below 0 takes it at 1e-9 (a squared-loss model may predict a negative count). With row
    /// <paramref name="weights"/>, the weighted mean of the rows' terms (scikit-learn's <c>sample_weight</c>).
    /// </summary>
    public double Score(ReadOnlySpan<double> predictions, ReadOnlySpan<float> labels, ReadOnlySpan<float> weights = default)
    {
        if (predictions.Length != labels.Length)
            throw new ArgumentException($"{labels.Length} labels need {labels.Length} predictions, got {predictions.Length}.");
        if (!weights.IsEmpty && weights.Length != labels.Length)
            throw new ArgumentException($"{labels.Length} labels need {labels.Length} weights, got {weights.Length}.");
        int n = labels.Length;
        if (n == 0) return double.NaN;
        double sum = 0, total = 0;
        for (int i = 0; i < n; i++)
        {
            double w = weights.IsEmpty ? 1 : weights[i];
            sum += w * RowLoss(predictions[i], labels[i]);
            total += w;
        }
        if (total <= 0) return double.NaN;
        return Kind == RegressionLossKind.Squared ? Math.Sqrt(sum / total) : sum / total;
    }

    /// <summary>
    /// RMSE and MAE of any regressor, with this loss's own metric beside them (a deviance, the pinball loss) and, for a quantile,
    /// the <see cref="Coverage"/>: what <c>train</c>, cross-validation and tuning record; weighted by <paramref name="weights"/> when given.
    /// </summary>
    public Dictionary<string, double> Metrics(ReadOnlySpan<double> predictions, ReadOnlySpan<float> labels, ReadOnlySpan<float> weights = default)
    {
        var metrics = new Dictionary<string, double>
        {
            ["rmse"] = Squared.Score(predictions, labels, weights),
            ["mae"] = Absolute.Score(predictions, labels, weights),
        };
        if (Kind is not (RegressionLossKind.Squared or RegressionLossKind.Absolute)) metrics[Metric] = Score(predictions, labels, weights);
        if (Kind == RegressionLossKind.Quantile) metrics["coverage"] = Coverage(predictions, labels, weights);
        return metrics;
    }

    /// <summary>Share of rows (of their weight, when given) whose target is at or under the prediction: about q for a well-calibrated q-quantile.</summary>
    public static double Coverage(ReadOnlySpan<double> predictions, ReadOnlySpan<float> labels, ReadOnlySpan<float> weights = default)
    {
        if (labels.Length == 0) return double.NaN;
        double under = 0, total = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            double w = weights.IsEmpty ? 1 : weights[i];
            if (labels[i] <= predictions[i]) under += w;
            total += w;
        }
        return total > 0 ? under / total : double.NaN;
    }

    // One row's term of the metric (squared error before the root).
    private double RowLoss(double mu, double y)
    {
        const double Floor = 1e-9;
        switch (Kind)
        {
            case RegressionLossKind.Squared:
                return (mu - y) * (mu - y);
            case RegressionLossKind.Absolute:
                return Math.Abs(mu - y);
            case RegressionLossKind.Quantile:
                return y >= mu ? Parameter * (y - mu) : (1 - Parameter) * (mu - y);
            case RegressionLossKind.Poisson:
                mu = Math.Max(mu, Floor);
                return 2 * ((y > 0 ? y * Math.Log(y / mu) : 0) - y + mu);
            case RegressionLossKind.Gamma:
                mu = Math.Max(mu, Floor);
                y = Math.Max(y, Floor);
                return 2 * (Math.Log(mu / y) + y / mu - 1);
            default:
            {
                double p = Parameter;
                mu = Math.Max(mu, Floor);
                double yy = Math.Max(y, 0);
                return 2 * (Math.Pow(yy, 2 - p) / ((1 - p) * (2 - p)) - yy * Math.Pow(mu, 1 - p) / (1 - p) + Math.Pow(mu, 2 - p) / (2 - p));
            }
        }
    }

    /// <summary>The text <see cref="Parse"/> reads back: <c>poisson</c>, <c>quantile=0.9</c>, <c>tweedie=1.5</c>.</summary>
    public override string ToString() => Kind switch
    {
        RegressionLossKind.Quantile => $"quantile={Format(Parameter)}",
        RegressionLossKind.Tweedie => $"tweedie={Format(Parameter)}",
        _ => Kind.ToString().ToLowerInvariant(),
    };

    private static string Format(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
