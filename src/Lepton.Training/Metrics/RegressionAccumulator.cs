using Lepton.Engine;

namespace Lepton.Training.Metrics;

/// <summary>
/// Per-target sums of a stream of regression outputs (N, k) against targets (N, k): absolute and squared errors,
/// and the targets' mean and spread by Welford's update (no cancellation when values sit far from zero).
/// </summary>
internal sealed class RegressionAccumulator(string metric)
{
    private double[] _abs = [], _sq = [], _mean = [], _m2 = [];

    public long Count { get; private set; }

    public int Width => _abs.Length;

    public void Reset()
    {
        _abs = _sq = _mean = _m2 = [];
        Count = 0;
    }

    public void Update(Tensor outputs, Tensor targets)
    {
        var o = MetricInputs.Outputs(metric, outputs, out int n, out int k);
        var y = MetricInputs.Targets(metric, targets, n, k);
        if (Width != k)
        {
            if (Width != 0) throw new ArgumentException($"{metric}: outputs changed from {Width} to {k} columns between batches.");
            _abs = new double[k];
            _sq = new double[k];
            _mean = new double[k];
            _m2 = new double[k];
        }
        for (int i = 0; i < n; i++)
        {
            Count++;
            for (int j = 0; j < k; j++)
            {
                double yv = y[i * k + j], e = o[i * k + j] - yv;
                _abs[j] += Math.Abs(e);
                _sq[j] += e * e;
                double d = yv - _mean[j];
                _mean[j] += d / Count;
                _m2[j] += d * (yv - _mean[j]);
            }
        }
    }

    public double Mae(int j) => _abs[j] / Count;

    public double Rmse(int j) => Math.Sqrt(_sq[j] / Count);

    /// <summary>1 - SSE/SST; a constant target gives 1 when predicted exactly, else 0 (scikit-learn's force_finite).</summary>
    public double R2(int j) => _m2[j] == 0 ? (_sq[j] == 0 ? 1 : 0) : 1 - _sq[j] / _m2[j];

    /// <summary>The mean over targets of a per-target value (scikit-learn's uniform_average); NaN before any update.</summary>
    public double Mean(Func<int, double> perTarget)
    {
        if (Count == 0) return double.NaN;
        double sum = 0;
        for (int j = 0; j < Width; j++) sum += perTarget(j);
        return sum / Width;
    }
}
