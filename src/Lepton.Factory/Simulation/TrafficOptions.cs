namespace Lepton.Factory.Simulation;

/// <summary>
/// What a simulated client sends: <paramref name="Requests"/> single-image predictions (or as many as fit in
/// <paramref name="Duration"/>), <paramref name="Concurrency"/> at a time, images drawn with <paramref name="ClassWeights"/>
/// (null: the source's own mix) and changed by <paramref name="Drift"/>; the true label is sent back as feedback for
/// <paramref name="FeedbackFraction"/> of them. <paramref name="RatePerSecond"/> paces the client (null: as fast as the
/// server answers). Everything is drawn from <paramref name="Seed"/>, so a run is repeatable.
/// </summary>
public sealed record TrafficOptions(
    int Requests,
    int Concurrency = 8,
    double FeedbackFraction = 0.5,
    ImageDrift? Drift = null,
    IReadOnlyList<double>? ClassWeights = null,
    TimeSpan? Duration = null,
    ulong Seed = 1,
    double? RatePerSecond = null)
{
    public void Validate(int classes)
    {
        if (Requests < 1) throw new ArgumentOutOfRangeException(nameof(Requests), $"Requests must be at least 1, got {Requests}.");
        if (Concurrency is < 1 or > 256) throw new ArgumentOutOfRangeException(nameof(Concurrency), $"Concurrency must be 1..256, got {Concurrency}.");
        if (FeedbackFraction is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(FeedbackFraction), $"FeedbackFraction must be 0..1, got {FeedbackFraction}.");
        if (ClassWeights is { } w && (w.Count != classes || w.Any(v => v < 0 || !double.IsFinite(v)) || w.Sum() <= 0))
            throw new ArgumentException($"ClassWeights needs {classes} non-negative weights with a positive sum.", nameof(ClassWeights));
        if (RatePerSecond is { } r && !(r > 0)) throw new ArgumentOutOfRangeException(nameof(RatePerSecond), $"RatePerSecond must be above 0, got {r}.");
    }
}

/// <summary>How one served version did on the simulated traffic: answers and how many were right.</summary>
public sealed record VersionTally(string Version, int Requests, int Correct)
{
    public double Accuracy => Requests == 0 ? double.NaN : (double)Correct / Requests;
}

/// <summary>What a simulated client saw: answers per served version, failures, feedback sent, and the wall time.</summary>
public sealed record TrafficResult(int Requests, int Failed, int FeedbackSent, IReadOnlyList<VersionTally> Versions, TimeSpan Elapsed)
{
    public int Correct => Versions.Sum(v => v.Correct);

    public double Accuracy => Versions.Sum(v => v.Requests) is var n && n > 0 ? (double)Correct / n : double.NaN;

    public double RequestsPerSecond => Elapsed.TotalSeconds > 0 ? Requests / Elapsed.TotalSeconds : 0;
}
