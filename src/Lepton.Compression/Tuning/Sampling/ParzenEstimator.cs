using Lepton.Compression.Tuning.Space;

namespace Lepton.Compression.Tuning.Sampling;

/// <summary>
/// A one-parameter Parzen estimator as Optuna's TPE builds it: for numbers, a mixture of Gaussians truncated to the
/// parameter's interval (one per observation plus a wide prior at the middle, widths from the gaps to the neighbours,
/// clipped to [range / min(100, 1 + n), range]); for choices, the weighted counts plus the prior spread evenly.
/// </summary>
internal sealed class ParzenEstimator
{
    private readonly SearchParameter _p;
    private readonly double[] _weights, _mus, _sigmas, _logMass;
    private readonly double _lo, _hi;

    /// <param name="points">Observed values in the sampler's interval (<see cref="SearchParameter.Internal"/>) or choice indices.</param>
    /// <param name="weights">One weight per point (older trials may weigh less).</param>
    public ParzenEstimator(SearchParameter p, IReadOnlyList<double> points, IReadOnlyList<double> weights, double priorWeight)
    {
        _p = p;
        (_lo, _hi) = p.Internal;
        if (p.Kind == ParameterKind.Categorical)
        {
            int k = p.Choices!.Count;
            var mass = Enumerable.Repeat(priorWeight / k, k).ToArray();
            for (int i = 0; i < points.Count; i++) mass[(int)points[i]] += weights[i];
            double sum = mass.Sum();
            _weights = [.. mass.Select(m => m / sum)];
            _mus = _sigmas = _logMass = [];
            return;
        }
        int n = points.Count;
        _mus = [.. points, 0.5 * (_lo + _hi)];
        var w = weights.Append(priorWeight).ToArray();
        double total = w.Sum();
        _weights = [.. w.Select(x => x / total)];
        _sigmas = Sigmas(_mus, n, _lo, _hi);
        _logMass = new double[_mus.Length];
        for (int i = 0; i < _mus.Length; i++)
            _logMass[i] = Math.Log(Math.Max(1e-300, Normal.Cdf((_hi - _mus[i]) / _sigmas[i]) - Normal.Cdf((_lo - _mus[i]) / _sigmas[i])));
    }

    // Each observation's width is its larger gap to a neighbour (the interval's ends bound the outermost); the prior spans the range.
    private static double[] Sigmas(double[] mus, int observations, double lo, double hi)
    {
        double range = hi - lo;
        var sigmas = new double[mus.Length];
        var order = Enumerable.Range(0, observations).OrderBy(i => mus[i]).ToArray();
        for (int r = 0; r < order.Length; r++)
        {
            double left = r == 0 ? lo : mus[order[r - 1]];
            double right = r == order.Length - 1 ? hi : mus[order[r + 1]];
            double mu = mus[order[r]];
            sigmas[order[r]] = Math.Max(mu - left, right - mu);
        }
        sigmas[^1] = range;
        double min = range / Math.Min(100.0, 1.0 + mus.Length);
        for (int i = 0; i < sigmas.Length; i++) sigmas[i] = Math.Clamp(sigmas[i], min, range);
        if (range == 0) Array.Fill(sigmas, 1.0); // a single-point interval: any width gives the same value
        return sigmas;
    }

    /// <summary>A draw in the sampler's interval (a choice index for categorical parameters).</summary>
    public double Sample(Random rng)
    {
        int c = Pick(_weights, rng.NextDouble());
        if (_p.Kind == ParameterKind.Categorical) return c;
        if (_hi == _lo) return _lo;
        // Rejection from the component's Gaussian: every component keeps a good share of its mass inside the interval
        // (centre inside, width at most the range), so a handful of tries suffice; the clamp is only a safety net.
        for (int attempt = 0; attempt < 100; attempt++)
        {
            double x = _mus[c] + _sigmas[c] * Normal.Sample(rng);
            if (x >= _lo && x <= _hi) return x;
        }
        return Math.Clamp(_mus[c], _lo, _hi);
    }

    /// <summary>The log density (log probability for choices) at <paramref name="x"/>.</summary>
    public double LogPdf(double x)
    {
        if (_p.Kind == ParameterKind.Categorical) return Math.Log(_weights[(int)x]);
        if (_hi == _lo) return 0;
        double max = double.NegativeInfinity;
        var terms = new double[_mus.Length];
        for (int i = 0; i < _mus.Length; i++)
        {
            double z = (x - _mus[i]) / _sigmas[i];
            terms[i] = Math.Log(_weights[i]) - 0.5 * z * z - Math.Log(_sigmas[i]) - Normal.LogSqrtTwoPi - _logMass[i];
            max = Math.Max(max, terms[i]);
        }
        double sum = 0;
        foreach (double t in terms) sum += Math.Exp(t - max);
        return max + Math.Log(sum);
    }

    private static int Pick(double[] weights, double u)
    {
        double acc = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            acc += weights[i];
            if (u < acc) return i;
        }
        return weights.Length - 1;
    }
}
