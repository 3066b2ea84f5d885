namespace Lepton.Factory.Loop;

/// <summary>How the challenger starts: from the champion's weights, or from fresh weights of the same architecture.</summary>
public enum LoopMode
{
    FineTune,
    Scratch,
}

/// <summary>The evaluation sets on which no class's recall may drop by more than <see cref="LoopPolicy.MaxClassRecallDrop"/>.</summary>
[Flags]
public enum RecallCheckSets
{
    None = 0,
    FeedbackHoldout = 1,
    BaseTest = 2,
    Both = FeedbackHoldout | BaseTest,
}

/// <summary>
/// Every knob of the closed loop: what to retrain and how, what a challenger must show to replace the champion, and how
/// long and how strictly its canary is watched. Defaults suit Fashion-MNIST on two cores (a few thousand base examples).
/// </summary>
public sealed record LoopPolicy
{
    /// <summary>The registered model name the loop looks after.</summary>
    public required string Model { get; init; }

    public string ChampionAlias { get; init; } = "production";
    public string StagingAlias { get; init; } = "staging";
    public LoopMode Mode { get; init; } = LoopMode.FineTune;
    public int Epochs { get; init; } = 3;
    public int BatchSize { get; init; } = 64;
    public double LearningRate { get; init; } = 1e-3;
    public ulong Seed { get; init; } = 42;

    /// <summary>The base data set the champion was trained on: "fashion-mnist", or an image data set version (NAME or NAME@V).</summary>
    public string BaseData { get; init; } = "fashion-mnist";
    public string? DataDir { get; init; }

    /// <summary>How many base training examples are mixed with the feedback (a deterministic subset, for speed).</summary>
    public int BaseSampleSize { get; init; } = 6000;

    /// <summary>How many times each feedback training example is repeated in the mix (oversampling the new data).</summary>
    public int FeedbackRepeat { get; init; } = 5;

    /// <summary>Usable labelled feedback needed before the loop retrains at all.</summary>
    public int MinFeedback { get; init; } = 50;

    /// <summary>The share of labelled feedback kept out of training for evaluation (split by a stable hash of the prediction id).</summary>
    public double FeedbackHoldoutFraction { get; init; } = 0.3;

    /// <summary>How many base test examples both models are evaluated on.</summary>
    public int BaseTestSize { get; init; } = 2000;

    /// <summary>Where the champion/challenger comparison reports go (default <c>LEPTON_HOME/reports/loop/MODEL</c>).</summary>
    public string? ReportFolder { get; init; }

    /// <summary>Accuracy by which the challenger must beat the champion on the feedback holdout.</summary>
    public double Margin { get; init; } = 0.01;

    /// <summary>The challenger's minimum accuracy on the base test set.</summary>
    public double MinAccuracy { get; init; } = 0.0;

    /// <summary>The largest drop of any class's recall (challenger vs champion) tolerated on the sets named by <see cref="RecallCheckSets"/>.</summary>
    public double MaxClassRecallDrop { get; init; } = 0.02;
    public RecallCheckSets RecallCheckSets { get; init; } = RecallCheckSets.Both;

    /// <summary>Classes with fewer examples than this in a set are not recall-checked there (their recall is too noisy).</summary>
    public int MinClassSupport { get; init; } = 5;

    public double CanaryFraction { get; init; } = 0.1;

    /// <summary>How long the canary is watched; zero skips the canary and promotes straight to the champion alias after the gate.</summary>
    public TimeSpan CanaryWindow { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the canary wait checks in (progress and cancellation).</summary>
    public TimeSpan CanaryPollInterval { get; init; } = TimeSpan.FromSeconds(5);
    public long CanaryMinRequests { get; init; } = 50;
    public int CanaryMinLabels { get; init; } = 20;
    public double MaxErrorRateIncrease { get; init; } = 0.01;
    public double MaxAccuracyDrop { get; init; } = 0.02;

    /// <summary>The groups a yes/no table challenger is judged across on the base test rows, and the bounds it must keep (null: none).</summary>
    public GroupBounds? Groups { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid knob and its allowed values.</summary>
    public LoopPolicy Validate()
    {
        if (string.IsNullOrWhiteSpace(Model)) throw new ArgumentException("The loop needs a model: the registered name to retrain, e.g. fashion.");
        Registry.References.ModelName.Validate(Model);
        Registry.References.ModelName.Validate(ChampionAlias, "alias");
        Registry.References.ModelName.Validate(StagingAlias, "alias");
        if (ChampionAlias == StagingAlias) throw new ArgumentException($"The champion and staging aliases are both '{ChampionAlias}'; give them different names.");
        Positive(Epochs, "epochs");
        Positive(BatchSize, "batch size");
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate)) throw new ArgumentException($"The learning rate must be > 0, got {LearningRate}.");
        if (string.IsNullOrWhiteSpace(BaseData)) throw new ArgumentException("The base data set is empty; use fashion-mnist or an image data set (NAME or NAME@V).");
        if (BaseSampleSize < 0) throw new ArgumentException($"The base sample size must be >= 0 (0 trains on feedback only), got {BaseSampleSize}.");
        Positive(FeedbackRepeat, "feedback repeat");
        Positive(MinFeedback, "minimum feedback");
        if (!(FeedbackHoldoutFraction > 0 && FeedbackHoldoutFraction < 1))
            throw new ArgumentException($"The feedback holdout fraction must be in (0, 1), e.g. 0.3; got {FeedbackHoldoutFraction}.");
        Positive(BaseTestSize, "base test size");
        Fraction(Margin, "margin", allowNegative: true);
        Fraction(MinAccuracy, "minimum accuracy");
        Fraction(MaxClassRecallDrop, "maximum class recall drop");
        if (MinClassSupport < 0) throw new ArgumentException($"The minimum class support must be >= 0, got {MinClassSupport}.");
        if (!(CanaryFraction > 0 && CanaryFraction < 1)) throw new ArgumentException($"The canary fraction must be in (0, 1), e.g. 0.1; got {CanaryFraction}.");
        if (CanaryWindow < TimeSpan.Zero) throw new ArgumentException($"The canary window must be >= 0 (0 skips the canary), got {CanaryWindow}.");
        if (CanaryPollInterval <= TimeSpan.Zero) throw new ArgumentException($"The canary poll interval must be > 0, got {CanaryPollInterval}.");
        if (CanaryMinRequests < 0) throw new ArgumentException($"The canary's minimum requests must be >= 0, got {CanaryMinRequests}.");
        if (CanaryMinLabels < 0) throw new ArgumentException($"The canary's minimum labels must be >= 0, got {CanaryMinLabels}.");
        Fraction(MaxErrorRateIncrease, "maximum error-rate increase");
        Fraction(MaxAccuracyDrop, "maximum accuracy drop");
        Groups?.Validate();
        return this;
    }

    private static void Positive(int value, string what)
    {
        if (value < 1) throw new ArgumentException($"The {what} must be >= 1, got {value}.");
    }

    private static void Fraction(double value, string what, bool allowNegative = false)
    {
        double low = allowNegative ? -1 : 0;
        if (!(value >= low && value <= 1)) throw new ArgumentException($"The {what} is a fraction of accuracy in [{low}, 1], e.g. 0.02 for two points; got {value}.");
    }
}
