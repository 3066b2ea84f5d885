namespace Lepton.Cli.Demo;

/// <summary>
/// The knobs of <c>lepton demo</c>: where its store lives (a folder of its own, recreated each run), what data it runs on
/// (Fashion-MNIST, <see cref="Images"/>: a folder of the user's images, or <see cref="Text"/>: customer-service messages), how
/// long the champion trains (null: a default that suits the data), how much traffic the simulated client sends, and whether
/// the server stays up.
/// </summary>
internal sealed record DemoOptions(
    string Home,
    int? Epochs = null,
    string? DataDir = null,
    int Port = 0,
    bool KeepServing = false,
    int NormalRequests = 800,
    int DriftedRequests = 1600,
    double FeedbackFraction = 0.6,
    int ChallengerEpochs = 3,
    TimeSpan? CanaryWindow = null,
    string? Images = null,
    string? ImageSize = null,
    bool Text = false)
{
    public TimeSpan EffectiveCanaryWindow => CanaryWindow ?? TimeSpan.FromSeconds(20);

    public void Validate()
    {
        if (Images is not null && !Directory.Exists(Images) && !File.Exists(Images))
            throw new ArgumentException($"--images {Images} does not exist; give a folder of images (one subfolder per class) or a CSV/JSONL manifest.");
        if (ImageSize is not null && Images is null) throw new ArgumentException("--size applies to --images; Fashion-MNIST is 28x28.");
        if (Text && Images is not null) throw new ArgumentException("--text runs the demo on its own customer-service messages; leave out --images, or --text for images.");
        if (Epochs < 1) throw new ArgumentException($"--epochs must be >= 1, got {Epochs}.");
        if (ChallengerEpochs < 1) throw new ArgumentException($"--challenger-epochs must be >= 1, got {ChallengerEpochs}.");
        if (NormalRequests < 50 || DriftedRequests < 200)
            throw new ArgumentException($"--requests must leave at least 50 normal and 200 drifted requests, got {NormalRequests} and {DriftedRequests}.");
        if (Port is < 0 or > 65535) throw new ArgumentException($"--port must be 0..65535 (0 picks a free port), got {Port}.");
        if (EffectiveCanaryWindow < TimeSpan.FromSeconds(5)) throw new ArgumentException("--canary-window must be at least 5s so the canary sees traffic.");
    }
}
