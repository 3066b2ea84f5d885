using Lepton.NN.Tasks;

namespace Lepton.Training.Classic.Linear;

/// <summary>
/// Mean loss + λ₂/2·‖W‖² of a linear model with K outputs on n rows of F features, and its gradient, in double precision.
/// Parameters θ = [W (K, F) row-major, b (K)]; margins m = W z + b. With row weights (mean 1), each row's loss counts that many times.
/// </summary>
internal sealed class LinearObjective
{
    private readonly double[] _z;
    private readonly float[] _y;
    private readonly int _n, _f, _k;
    private readonly LinearLoss _loss;
    private readonly double _l2;
    private readonly bool _multinomial;
    private readonly float[]? _w;
    private readonly RegressionLoss _regression;
    private readonly double _quantile;

    // z: (n, F) features (standardized or not); y: class indices or targets; rowWeights: (n) or null for equal rows;
    // regression: the deviance LinearLoss.Deviance stands for.
    public LinearObjective(double[] z, float[] y, int n, int f, int k, LinearLoss loss, double l2, bool multinomial, float[]? rowWeights = null,
        RegressionLoss? regression = null)
    {
        (_z, _y, _n, _f, _k, _loss, _l2, _multinomial, _w) = (z, y, n, f, k, loss, l2, multinomial, rowWeights);
        _regression = regression ?? RegressionLoss.Squared;
        if (loss == LinearLoss.Deviance && !_regression.LogLink)
            throw new ArgumentException($"LinearLoss.Deviance needs a poisson, gamma or tweedie loss, got {_regression}.");
        if (loss == LinearLoss.Pinball && _regression.QuantileLevel is null)
            throw new ArgumentException($"LinearLoss.Pinball needs an absolute or quantile loss, got {_regression}.");
        _quantile = _regression.QuantileLevel ?? 0.5;
    }

    /// <summary>
    /// The pinball loss's smoothing μ (in target units): each row's loss is Q·r + μ·log(1 + e^(−r/μ)), at most μ·ln 2 above ρ_Q(r);
    /// 0 is the pinball loss itself (with a subgradient at r = 0).
    /// </summary>
    public double Smoothing { get; set; }

    /// <summary>Rows per block of the parallel sum; blocks are summed in order, so the result does not depend on the thread count.</summary>
    public const int BlockRows = 2048;

    private double[][]? _partialGradients;
    private double[]? _partialLosses;

    public int Parameters => _k * (_f + 1);

    /// <summary>f(θ), writing ∇f into <paramref name="gradient"/>; tables over <see cref="BlockRows"/> rows are summed block by block in parallel.</summary>
    public double Evaluate(ReadOnlySpan<double> theta, Span<double> gradient) => Evaluate(theta, gradient, parallel: true);

    /// <summary>As <see cref="Evaluate(ReadOnlySpan{double}, Span{double})"/>; <paramref name="parallel"/> false is the plain one-pass reference.</summary>
    public double Evaluate(ReadOnlySpan<double> theta, Span<double> gradient, bool parallel)
    {
        gradient.Clear();
        int blocks = (_n + BlockRows - 1) / BlockRows;
        double total;
        if (!parallel || blocks <= 1)
        {
            total = Accumulate(theta, 0, _n, gradient);
        }
        else
        {
            var parameters = theta.ToArray();
            var partials = _partialGradients ??= [.. Enumerable.Range(0, blocks).Select(_ => new double[Parameters])];
            var losses = _partialLosses ??= new double[blocks];
            Parallel.For(0, blocks, block =>
            {
                Array.Clear(partials[block]);
                losses[block] = Accumulate(parameters, block * BlockRows, Math.Min(_n, (block + 1) * BlockRows), partials[block]);
            });
            total = 0;
            for (int block = 0; block < blocks; block++)
            {
                total += losses[block];
                var p = partials[block];
                for (int t = 0; t < p.Length; t++) gradient[t] += p[t];
            }
        }
        var w = theta[..(_k * _f)];
        var gw = gradient[..(_k * _f)];
        double inv = 1.0 / _n;
        for (int t = 0; t < gradient.Length; t++) gradient[t] *= inv;
        double penalty = 0;
        for (int t = 0; t < w.Length; t++)
        {
            penalty += w[t] * w[t];
            gw[t] += _l2 * w[t];
        }
        return total * inv + 0.5 * _l2 * penalty;
    }

    // Adds the summed loss gradients of rows start..end-1 into gradient; returns their summed loss.
    private double Accumulate(ReadOnlySpan<double> theta, int start, int end, Span<double> gradient)
    {
        var w = theta[..(_k * _f)];
        var b = theta[(_k * _f)..];
        var gw = gradient[..(_k * _f)];
        var gb = gradient[(_k * _f)..];
        Span<double> m = _k <= 64 ? stackalloc double[_k] : new double[_k];
        Span<double> dm = _k <= 64 ? stackalloc double[_k] : new double[_k];
        double total = 0;
        for (int i = start; i < end; i++)
        {
            var zi = _z.AsSpan(i * _f, _f);
            for (int c = 0; c < _k; c++) m[c] = b[c] + Dot(w.Slice(c * _f, _f), zi);
            double weight = _w is null ? 1 : _w[i];
            total += weight * Loss(m, _y[i], dm);
            for (int c = 0; c < _k; c++)
            {
                double g = weight * dm[c];
                if (g == 0) continue;
                gb[c] += g;
                var gwc = gw.Slice(c * _f, _f);
                for (int j = 0; j < _f; j++) gwc[j] += g * zi[j];
            }
        }
        return total;
    }

    // One row's loss and d loss / d margin.
    private double Loss(ReadOnlySpan<double> m, float y, Span<double> dm)
    {
        switch (_loss)
        {
            case LinearLoss.Logistic when _multinomial:
            {
                double max = double.NegativeInfinity;
                foreach (var v in m) max = Math.Max(max, v);
                double sum = 0;
                for (int c = 0; c < _k; c++) sum += dm[c] = Math.Exp(m[c] - max);
                for (int c = 0; c < _k; c++) dm[c] /= sum;
                int label = (int)y;
                dm[label] -= 1;
                return max + Math.Log(sum) - m[label];
            }
            case LinearLoss.Logistic:
            {
                // Binary: one logit, y in {0, 1}; softplus(m) - y m, stable for either sign.
                double v = m[0];
                double softplus = v > 0 ? v + double.LogP1(Math.Exp(-v)) : double.LogP1(Math.Exp(v));
                double p = v >= 0 ? 1 / (1 + Math.Exp(-v)) : Math.Exp(v) / (1 + Math.Exp(v));
                dm[0] = p - y;
                return softplus - y * v;
            }
            case LinearLoss.SquaredHinge:
            {
                // One-vs-rest: output c is +1 for its class and -1 for the others (binary: one output, class 1 positive).
                double loss = 0;
                int label = (int)y;
                for (int c = 0; c < _k; c++)
                {
                    double sign = _k == 1 ? (label == 1 ? 1 : -1) : (label == c ? 1 : -1);
                    double slack = 1 - sign * m[c];
                    if (slack > 0)
                    {
                        loss += slack * slack;
                        dm[c] = -2 * sign * slack;
                    }
                    else
                    {
                        dm[c] = 0;
                    }
                }
                return loss;
            }
            case LinearLoss.Deviance:
                return Deviance(m[0], y, dm);
            case LinearLoss.Pinball:
                return Pinball(m[0], y, dm);
            default:
            {
                double r = m[0] - y;
                dm[0] = r;
                return 0.5 * r * r;
            }
        }
    }

    // Half the unit deviance at μ = exp(η) up to terms free of η, and its derivative in η (the margin), for one row.
    private double Deviance(double eta, double y, Span<double> dm)
    {
        // exp overflows past ~709; a margin that far out is a line-search probe, and a huge finite loss turns it back.
        eta = Math.Clamp(eta, -300, 300);
        switch (_regression.Kind)
        {
            case RegressionLossKind.Poisson:
            {
                double mu = Math.Exp(eta);
                dm[0] = mu - y;
                return mu - y * eta;
            }
            case RegressionLossKind.Gamma:
            {
                double inv = Math.Exp(-eta);
                dm[0] = 1 - y * inv;
                return y * inv + eta;
            }
            default:
            {
                double p = _regression.Parameter;
                double a = Math.Exp((1 - p) * eta), b = Math.Exp((2 - p) * eta);
                dm[0] = -y * a + b;
                return -y * a / (1 - p) + b / (2 - p);
            }
        }
    }

    // The (smoothed) pinball loss of residual r = y − m and its derivative in m: d/dr of Q·r + μ·softplus(−r/μ) is Q − σ(−r/μ).
    private double Pinball(double m, double y, Span<double> dm)
    {
        double r = y - m, q = _quantile, mu = Smoothing;
        if (mu <= 0)
        {
            dm[0] = r > 0 ? -q : r < 0 ? 1 - q : 0;
            return r >= 0 ? q * r : (q - 1) * r;
        }
        double t = -r / mu;
        double softplus = t > 0 ? t + double.LogP1(Math.Exp(-t)) : double.LogP1(Math.Exp(t));
        double sigmoid = t >= 0 ? 1 / (1 + Math.Exp(-t)) : Math.Exp(t) / (1 + Math.Exp(t));
        dm[0] = sigmoid - q;
        return q * r + mu * softplus;
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }
}
