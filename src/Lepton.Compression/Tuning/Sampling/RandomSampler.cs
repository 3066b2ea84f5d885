using Lepton.Compression.Tuning.Space;

namespace Lepton.Compression.Tuning.Sampling;

/// <summary>Draws every parameter independently and uniformly (in the logarithm for log parameters), ignoring the history.</summary>
public sealed class RandomSampler(ulong seed) : ISampler
{
    public string Name => "random";

    public IReadOnlyDictionary<string, double> Sample(SearchSpace space, IReadOnlyList<Observation> history, int trialNumber)
    {
        var rng = Samplers.ForTrial(seed, trialNumber);
        return space.Parameters.ToDictionary(p => p.Name, p => Draw(p, rng), StringComparer.Ordinal);
    }

    internal static double Draw(SearchParameter p, Random rng)
    {
        if (p.Kind == ParameterKind.Categorical) return rng.Next(p.Choices!.Count);
        var (lo, hi) = p.Internal;
        return p.FromInternal(lo + (hi - lo) * rng.NextDouble());
    }
}
