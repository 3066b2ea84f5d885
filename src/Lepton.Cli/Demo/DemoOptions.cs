using Lepton.Factory.Simulation;

namespace Lepton.Cli.Demo;

/// <summary>
/// The knobs of <c>lepton demo</c>: where its store lives (a folder of its own, recreated each run), how long the champion
/// trains, how much traffic the simulated client sends and how its images drift, and whether the server stays up at the end.
/// </summary>
internal sealed record DemoOptions(
    string Home,
    int Epochs = 1,
    string? DataDir = null,
    int Port = 0,
    bool KeepServing = false,
    int NormalRequests = 800,
    int DriftedRequests = 1600,
    double FeedbackFraction = 0.6,
    int ChallengerEpochs = 3,
    TimeSpan? CanaryWindow = null)
{
    public const string Model = "fashion";

    /// <summary>A new lighting set-up: images washed out (lower contrast) and brighter.</summary>
    public static ImageDrift Drift { get; } = new(Contrast: 0.5, Brightness: 100);

    /// <summary>The drifted client sells mostly tops: T-shirt, pullover, coat and shirt four times as often as the rest.</summary>
    public static IReadOnlyList<double> DriftedClassMix { get; } = [4, 1, 4, 1, 4, 1, 4, 1, 1, 1];

    public TimeSpan EffectiveCanaryWindow => CanaryWindow ?? TimeSpan.FromSeconds(20);

    public void Validate()
    {
        if (Epochs < 1) throw new ArgumentException($"--epochs must be >= 1, got {Epochs}.");
        if (ChallengerEpochs < 1) throw new ArgumentException($"--challenger-epochs must be >= 1, got {ChallengerEpochs}.");
        if (NormalRequests < 50 || DriftedRequests < 200)
            throw new ArgumentException($"--requests must leave at least 50 normal and 200 drifted requests, got {NormalRequests} and {DriftedRequests}.");
        if (Port is < 0 or > 65535) throw new ArgumentException($"--port must be 0..65535 (0 picks a free port), got {Port}.");
        if (EffectiveCanaryWindow < TimeSpan.FromSeconds(5)) throw new ArgumentException("--canary-window must be at least 5s so the canary sees traffic.");
    }
}
