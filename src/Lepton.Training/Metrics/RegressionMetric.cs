using Lepton.Engine;

namespace Lepton.Training.Metrics;

/// <summary>Which error <see cref="RegressionMetric"/> reports.</summary>
public enum RegressionMeasure
{
    /// <summary>Mean absolute error, <c>mae</c>.</summary>
    Mae,

    /// <summary>Root mean squared error, <c>rmse</c>.</summary>
    Rmse,

    /// <summary>Coefficient of determination, <c>r2</c>.</summary>
    R2,
}

/// <summary>
/// MAE, RMSE or R² of a regressor, per target and averaged over targets with equal weight (scikit-learn's
/// <c>multioutput='uniform_average'</c>: the RMSE is the mean of per-target RMSEs).
/// </summary>
public sealed class RegressionMetric(RegressionMeasure measure) : IMetric
{
    private readonly RegressionAccumulator _sums = new(NameOf(measure));

    public RegressionMeasure Measure { get; } = measure;

    public string Name => NameOf(Measure);

    public bool HigherIsBetter => Measure == RegressionMeasure.R2;

    public void Reset() => _sums.Reset();

    public void Update(Tensor outputs, Tensor targets) => _sums.Update(outputs, targets);

    public double Compute() => _sums.Mean(Value);

    /// <summary>The value for each target since the last reset.</summary>
    public double[] PerTarget()
    {
        var values = new double[_sums.Count == 0 ? 0 : _sums.Width];
        for (int j = 0; j < values.Length; j++) values[j] = Value(j);
        return values;
    }

    private double Value(int j) => Measure switch
    {
        RegressionMeasure.Mae => _sums.Mae(j),
        RegressionMeasure.Rmse => _sums.Rmse(j),
        _ => _sums.R2(j),
    };

    private static string NameOf(RegressionMeasure m) => m switch
    {
        RegressionMeasure.Mae => "mae",
        RegressionMeasure.Rmse => "rmse",
        _ => "r2",
    };
}
