namespace Lepton.Training.Classic.Mlp;

/// <summary>
/// Options of <see cref="TabularMlp"/>: hidden widths, AdamW's rate and decay, mini-batch size, the epoch cap, early stopping on a
/// stratified validation slice of the training rows, and the seed. Null sizes follow the table's size (see the properties).
/// </summary>
public sealed record TabularMlpOptions
{
    /// <summary>Widths of the ReLU hidden layers (default two of 64: enough for interactions a linear model misses, small enough for tiny tables).</summary>
    public IReadOnlyList<int> HiddenLayers { get; init; } = [64, 64];

    /// <summary>AdamW's learning rate.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>AdamW's decoupled weight decay.</summary>
    public double WeightDecay { get; init; } = 1e-4;

    /// <summary>Rows per step; null: 32 up to 10,000 training rows (many steps per epoch on small tables), else 256.</summary>
    public int? BatchSize { get; init; }

    /// <summary>The most passes over the training rows; early stopping usually ends sooner.</summary>
    public int MaxEpochs { get; init; } = 200;

    /// <summary>Epochs without a lower validation loss before training stops (0: no early stopping, train <see cref="MaxEpochs"/>).</summary>
    public int Patience { get; init; } = 20;

    /// <summary>Share of the training rows held out (stratified) to stop early on; tables under <see cref="MinRowsForValidation"/> rows train on all rows.</summary>
    public double ValidationFraction { get; init; } = 0.2;

    /// <summary>Fewer training rows than this skip early stopping and train <see cref="MaxEpochs"/> on every row.</summary>
    public int MinRowsForValidation { get; init; } = 50;

    /// <summary>
    /// After early stopping found the best epoch count, train again on every row for that many epochs (the held-out slice is a
    /// noticeable share of a small table). Null: refit up to 10,000 rows, keep the early-stopped network above.
    /// </summary>
    public bool? Refit { get; init; }

    /// <summary>
    /// Networks trained with seeds Seed, Seed+1, ... and averaged (packed side by side into one network); null: 5 up to 10,000 rows,
    /// where one network's result swings with its seed and training is cheap, else 1.
    /// </summary>
    public int? Members { get; init; }

    public int Seed { get; init; }

    /// <summary>How the training rows are weighed by class in the loss (and in early stopping's validation loss).</summary>
    public ClassWeighting ClassWeights { get; init; } = ClassWeighting.None;

    /// <summary>The number of averaged networks for <paramref name="rows"/> training rows.</summary>
    public int ResolvedMembers(int rows) => Members ?? (rows <= 10_000 ? 5 : 1);

    /// <summary>The batch size used for <paramref name="rows"/> training rows.</summary>
    public int ResolvedBatchSize(int rows) => BatchSize ?? (rows <= 10_000 ? 32 : 256);

    /// <summary>Whether a table of <paramref name="rows"/> training rows is refitted on all rows after early stopping.</summary>
    public bool ResolvedRefit(int rows) => Refit ?? rows <= 10_000;

    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(HiddenLayers);
        if (HiddenLayers.Count == 0 || HiddenLayers.Any(w => w < 1))
            throw new ArgumentException($"TabularMlpOptions.HiddenLayers needs at least one width >= 1, got [{string.Join(", ", HiddenLayers)}].");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) throw new ArgumentException($"The MLP's learning rate (--lr) must be a finite number > 0, got {LearningRate}.");
        if (!(WeightDecay >= 0) || double.IsInfinity(WeightDecay)) throw new ArgumentException($"TabularMlpOptions.WeightDecay must be a finite number >= 0, got {WeightDecay}.");
        if (BatchSize is < 1) throw new ArgumentException($"The MLP's batch size (--batch-size) must be at least 1, got {BatchSize}.");
        if (MaxEpochs < 1) throw new ArgumentException($"The MLP's epochs (--epochs) must be at least 1, got {MaxEpochs}.");
        if (Members is < 1) throw new ArgumentException($"TabularMlpOptions.Members must be at least 1, got {Members}.");
        if (Patience < 0) throw new ArgumentException($"TabularMlpOptions.Patience must be >= 0, got {Patience}.");
        if (!(ValidationFraction > 0 && ValidationFraction < 1)) throw new ArgumentException($"TabularMlpOptions.ValidationFraction must lie strictly between 0 and 1, got {ValidationFraction}.");
    }
}
