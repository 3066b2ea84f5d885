using Lepton.Compression.Tuning.Space;

namespace Lepton.Compression.Tuning.Sampling;

/// <summary>
/// The Tree-structured Parzen Estimator as Optuna's default sampler runs it (independent per parameter): after the startup
/// trials, finished trials are split into the best gamma(n) ("good") and the rest, each side becomes a Parzen estimator
/// (l for good, g for the rest, recent trials weighted more once there are over 25), and of <c>Candidates</c> draws from l the
/// one with the highest l(x)/g(x), the expected improvement's maximiser, is proposed.
/// </summary>
public sealed class TpeSampler : ISampler
{
    // Optuna's default_weights: the latest 25 trials weigh 1, older ones ramp down linearly towards 1/n.
    private const int FlatRecent = 25;

    public TpeSampler(TpeOptions? options = null)
    {
        Options = options ?? new TpeOptions();
        Options.Validate();
    }

    public TpeOptions Options { get; }

    public string Name => "tpe";

    public IReadOnlyDictionary<string, double> Sample(SearchSpace space, IReadOnlyList<Observation> history, int trialNumber)
    {
        if (history.Count < Options.StartupTrials) return new RandomSampler(Options.Seed).Sample(space, history, trialNumber);
        var rng = Samplers.ForTrial(Options.Seed, trialNumber, salt: 0x7E7E);
        var ranked = history.OrderBy(o => o, Comparer<Observation>.Create(Observation.Compare)).ToList();
        int good = Options.GoodCount(ranked.Count);
        var below = ranked.Take(good).OrderBy(o => o.Number).ToList();
        var above = ranked.Skip(good).OrderBy(o => o.Number).ToList();
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var p in space.Parameters)
        {
            var l = Estimator(p, below);
            var g = Estimator(p, above);
            double best = double.NaN, bestScore = double.NegativeInfinity;
            for (int i = 0; i < Options.Candidates; i++)
            {
                double x = l.Sample(rng);
                double score = l.LogPdf(x) - g.LogPdf(x);
                if (score > bestScore) (best, bestScore) = (x, score);
            }
            values[p.Name] = p.Kind == ParameterKind.Categorical ? best : p.FromInternal(best);
        }
        return values;
    }

    private ParzenEstimator Estimator(SearchParameter p, List<Observation> trials)
    {
        // Trials from before a parameter was added, or with a value the space no longer allows, say nothing about it.
        var seen = trials.Where(o => o.Parameters.TryGetValue(p.Name, out double v) && p.Contains(v)).ToList();
        var weights = Weights(seen.Count);
        var points = seen.Select(o => p.Kind == ParameterKind.Categorical ? o.Parameters[p.Name] : p.ToInternal(o.Parameters[p.Name])).ToList();
        return new ParzenEstimator(p, points, weights, Options.PriorWeight);
    }

    /// <summary>Weights of <paramref name="n"/> observations, oldest first.</summary>
    internal static double[] Weights(int n)
    {
        if (n < FlatRecent) return Enumerable.Repeat(1.0, n).ToArray();
        int ramp = n - FlatRecent;
        var w = new double[n];
        for (int i = 0; i < ramp; i++) w[i] = ramp == 1 ? 1.0 / n : 1.0 / n + (1.0 - 1.0 / n) * i / (ramp - 1);
        for (int i = ramp; i < n; i++) w[i] = 1.0;
        return w;
    }
}
