namespace Lepton.Training.Classic.LightGbm;

/// <summary>How LightGBM grows its trees: boosting (each tree fits the previous ones' errors) or a random forest (bagged, averaged).</summary>
public enum BoostingMode
{
    Gbdt,
    RandomForest,
}

/// <summary>
/// Options of <see cref="GradientBoostingLearner"/>, named as in LightGBM's parameters. With <see cref="Deterministic"/> (the
/// default), a fixed <see cref="Seed"/> and a fixed <see cref="NumThreads"/>, a run repeats bit for bit.
/// </summary>
public sealed record GradientBoostingOptions
{
    public BoostingMode Mode { get; init; } = BoostingMode.Gbdt;

    /// <summary>Most boosting iterations (trees per class); early stopping may stop sooner.</summary>
    public int Iterations { get; init; } = 500;

    public double LearningRate { get; init; } = 0.05;

    public int NumLeaves { get; init; } = 31;

    public int MinDataInLeaf { get; init; } = 20;

    /// <summary>-1: no depth limit (leaves bound the tree).</summary>
    public int MaxDepth { get; init; } = -1;

    /// <summary>Share of features each tree may use (LightGBM's <c>feature_fraction</c>).</summary>
    public double FeatureFraction { get; init; } = 1.0;

    /// <summary>Share of rows each bagging round draws (<c>bagging_fraction</c>); a random forest needs it below 1.</summary>
    public double BaggingFraction { get; init; } = 1.0;

    /// <summary>Bag every this many iterations (<c>bagging_freq</c>); 0 disables bagging, a random forest needs 1 or more.</summary>
    public int BaggingFrequency { get; init; }

    /// <summary>L2 penalty on leaf values (<c>lambda_l2</c>).</summary>
    public double L2 { get; init; }

    public int MaxBin { get; init; } = 255;

    /// <summary>Stop when the validation metric has not improved for this many iterations; 0 trains every iteration on all rows.</summary>
    public int EarlyStoppingRounds { get; init; } = 50;

    /// <summary>Share of rows held out (stratified, seeded) to choose the iteration count when early stopping.</summary>
    public double ValidationFraction { get; init; } = 0.2;

    /// <summary>After early stopping chose the iteration count, train again on every row (held-out ones too) for that many iterations, scaled by the rows added.</summary>
    public bool RefitOnAllRows { get; init; } = true;

    /// <summary>LightGBM's OpenMP threads; 0 picks one thread for small matrices, every core for large ones (see <see cref="LightGbmParameters.Build"/>).</summary>
    public int NumThreads { get; init; }

    public int Seed { get; init; }

    /// <summary>How the training rows are weighed by class (LightGBM's per-row <c>weight</c>; the validation rows alike, so early stopping watches the weighted loss).</summary>
    public ClassWeighting ClassWeights { get; init; } = ClassWeighting.None;

    /// <summary>
    /// Columns whose effect may only rise or only fall (LightGBM's <c>monotone_constraints</c>, kept by its <c>intermediate</c> method,
    /// which constrains less than <c>basic</c> at little cost); the columns are feature names of the matrix trained on.
    /// </summary>
    public MonotoneConstraints Monotone { get; init; } = MonotoneConstraints.None;

    /// <summary>
    /// Groups of features (by name) that may share a branch of a tree, LightGBM's <c>interaction_constraints</c>; every feature of the
    /// matrix must be in one. One group per raw column makes an additive model: each tree splits on one column, so the answer is a
    /// sum of one curve per column. Null: any features may interact.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<string>>? InteractionGroups { get; init; }

    /// <summary>LightGBM's <c>deterministic=true</c> with <c>force_col_wise</c>: the same data, seed and threads give the same model.</summary>
    public bool Deterministic { get; init; } = true;

    /// <summary>Further LightGBM parameters, passed as they are (they win over the ones above).</summary>
    public IReadOnlyDictionary<string, string>? Extra { get; init; }

    /// <summary>Boosting defaults: 500 iterations at 0.05 with early stopping after 50.</summary>
    public static GradientBoostingOptions Default { get; } = new();

    /// <summary>A random forest: 100 bagged trees (63% of rows, 80% of features each) grown deep and averaged.</summary>
    public static GradientBoostingOptions RandomForest { get; } = new()
    {
        Mode = BoostingMode.RandomForest,
        Iterations = 100,
        NumLeaves = 127,
        MinDataInLeaf = 2,
        FeatureFraction = 0.8,
        BaggingFraction = 0.632,
        BaggingFrequency = 1,
        EarlyStoppingRounds = 0,
    };

    /// <summary>Checks every value; the error names the option, what was given and what is allowed.</summary>
    public void Validate()
    {
        if (Iterations < 1) throw new ArgumentException($"GradientBoostingOptions.Iterations must be >= 1, got {Iterations}.");
        if (!(LearningRate > 0)) throw new ArgumentException($"GradientBoostingOptions.LearningRate must be > 0, got {LearningRate}.");
        if (NumLeaves < 2) throw new ArgumentException($"GradientBoostingOptions.NumLeaves must be >= 2, got {NumLeaves}.");
        if (MinDataInLeaf < 1) throw new ArgumentException($"GradientBoostingOptions.MinDataInLeaf must be >= 1, got {MinDataInLeaf}.");
        if (!(FeatureFraction > 0 && FeatureFraction <= 1)) throw new ArgumentException($"GradientBoostingOptions.FeatureFraction must lie in (0, 1], got {FeatureFraction}.");
        if (!(BaggingFraction > 0 && BaggingFraction <= 1)) throw new ArgumentException($"GradientBoostingOptions.BaggingFraction must lie in (0, 1], got {BaggingFraction}.");
        if (BaggingFrequency < 0) throw new ArgumentException($"GradientBoostingOptions.BaggingFrequency must be >= 0, got {BaggingFrequency}.");
        if (Mode == BoostingMode.RandomForest && (BaggingFraction >= 1 || BaggingFrequency < 1) && FeatureFraction >= 1)
            throw new ArgumentException(
                "A random forest needs randomness: set BaggingFraction < 1 with BaggingFrequency >= 1 (or FeatureFraction < 1); GradientBoostingOptions.RandomForest has both.");
        if (L2 < 0) throw new ArgumentException($"GradientBoostingOptions.L2 must be >= 0, got {L2}.");
        if (MaxBin < 2) throw new ArgumentException($"GradientBoostingOptions.MaxBin must be >= 2, got {MaxBin}.");
        if (EarlyStoppingRounds < 0) throw new ArgumentException($"GradientBoostingOptions.EarlyStoppingRounds must be >= 0, got {EarlyStoppingRounds}.");
        if (EarlyStoppingRounds > 0 && !(ValidationFraction > 0 && ValidationFraction < 1))
            throw new ArgumentException($"Early stopping needs GradientBoostingOptions.ValidationFraction in (0, 1), got {ValidationFraction}; or set EarlyStoppingRounds = 0.");
        if (NumThreads < 0) throw new ArgumentException($"GradientBoostingOptions.NumThreads must be >= 0, got {NumThreads}.");
    }
}
