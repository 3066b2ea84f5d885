using Lepton.Compression.Tuning.Space;

namespace Lepton.Compression.Tuning.Sampling;

/// <summary>Proposes a trial's parameters. Given the same seed, trial number and history, a sampler proposes the same values.</summary>
public interface ISampler
{
    string Name { get; }

    /// <summary>Values for trial <paramref name="trialNumber"/>, one per parameter of <paramref name="space"/> (numbers, or choice indices).</summary>
    IReadOnlyDictionary<string, double> Sample(SearchSpace space, IReadOnlyList<Observation> history, int trialNumber);
}

/// <summary>Builds a sampler from its command-line name.</summary>
public static class Samplers
{
    public static IReadOnlyList<string> Names { get; } = ["tpe", "random"];

    public static ISampler Create(string name, ulong seed) => name.ToLowerInvariant() switch
    {
        "tpe" => new TpeSampler(new TpeOptions(Seed: seed)),
        "random" => new RandomSampler(seed),
        _ => throw new ArgumentException($"Unknown sampler '{name}'; choose one of {string.Join(", ", Names)}."),
    };

    /// <summary>A generator for one trial's draws: the study seed and the trial number decide it, nothing else.</summary>
    internal static Random ForTrial(ulong seed, int trialNumber, ulong salt = 0)
    {
        // SplitMix64 finalizer: neighbouring trial numbers get unrelated streams.
        ulong z = seed ^ (0x9E3779B97F4A7C15UL * (ulong)(trialNumber + 1)) ^ salt;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return new Random((int)(z & 0x7FFFFFFF));
    }
}
