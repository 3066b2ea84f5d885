using Lepton.Data.Images.Augmentation;
using Lepton.Factory.Loop;
using Lepton.Monitoring.Alerts;
using Lepton.Training.Workflows;

namespace Lepton.Factory.Recipes;

/// <summary>
/// <c>data:</c> where the training data comes from; a relative <c>dir</c> (or <c>path</c>) is resolved against the recipe's folder.
/// <c>source: images</c> imports the folder of images in <c>dir</c> (class subfolders, the Keras train/validation/test
/// layout, or a manifest) as data set <c>name</c> (default: the recipe's name) at <c>size</c> (WxH; default: chosen from the images).
/// <c>source: table</c> imports the CSV, TSV or Parquet file (or folder of them) at <c>path</c> (held in <see cref="Dir"/>) as
/// data set <c>name</c> and splits it as <see cref="Table"/> says.
/// </summary>
public sealed record RecipeData(string Source = "fashion-mnist", string? Dir = null, string? Name = null, string? Size = null)
{
    public const string Images = "images";

    public const string Tables = "table";

    public static IReadOnlyList<string> Sources { get; } = ["fashion-mnist", Images, Tables];

    public bool IsImages => Source == Images;

    public bool IsTable => Source == Tables;

    /// <summary>For <c>source: table</c>: roles, pinned kinds and the split; null for other sources.</summary>
    public RecipeTable? Table { get; init; }
}

/// <summary><c>model:</c> a preset name or a model.json path (absolute after loading); exactly one is set.</summary>
public sealed record RecipeModel(string? Preset = "cnn", string? File = null)
{
    /// <summary>What <see cref="ImageClassifierRecipe.Model"/> takes: the file when given, else the preset.</summary>
    public string Reference => File ?? Preset ?? "cnn";
}

/// <summary>
/// <c>training:</c> the optimizer, schedule and batching of the training run, with <c>lepton train</c>'s defaults;
/// <c>augment:</c> the training images' augmentation, as <c>lepton train --augment</c>'s text or a mapping of the same terms;
/// <c>label_smoothing:</c> the cross-entropy's label smoothing; <c>validation_freq:</c> validate every that many epochs.
/// </summary>
public sealed record RecipeTraining(
    int Epochs = 5,
    int BatchSize = 64,
    double LearningRate = 1e-3,
    string Optimizer = "adam",
    double WeightDecay = 0,
    double Momentum = 0.9,
    string Schedule = "none",
    double? ClipGradNorm = null,
    double ValidationSplit = 0,
    ulong Seed = 0,
    AugmentationSpec? Augment = null,
    double LabelSmoothing = 0,
    int ValidationFrequency = 1)
{
    /// <summary>A table recipe's learner settings (null for networks); the seed comes from <see cref="Seed"/>.</summary>
    public RecipeTableTraining? Table { get; init; }

    public static IReadOnlyList<string> Optimizers { get; } = ["adam", "adamw", "sgd"];

    public static IReadOnlyList<string> Schedules { get; } = ["none", "cosine", "onecycle", "step"];

    /// <summary>The training workflow's recipe for this data and model.</summary>
    /// <param name="datasetRef">The image data set version the data step recorded (NAME@V); null for Fashion-MNIST.</param>
    public ImageClassifierRecipe ToImageClassifierRecipe(RecipeData data, RecipeModel model, string? datasetRef = null) => new(
        Data: datasetRef ?? data.Source, DataDir: data.Dir, Model: model.Reference, Epochs: Epochs, BatchSize: BatchSize, LearningRate: LearningRate,
        Optimizer: Optimizer, WeightDecay: WeightDecay, Momentum: Momentum, Schedule: Schedule, ClipGradNorm: ClipGradNorm,
        ValidationSplit: ValidationSplit, Seed: Seed, Augment: Augment?.ToString(), LabelSmoothing: LabelSmoothing,
        ValidationFrequency: ValidationFrequency);
}

/// <summary>
/// <c>gates:</c> what a new model must reach: <c>MinAccuracy</c> on the test split (null: no floor), and for the loop's
/// champion/challenger comparison the largest allowed per-class recall drop and the accuracy margin to beat the champion by.
/// </summary>
public sealed record RecipeGates(double? MinAccuracy = null, double MaxClassRecallDrop = 0.02, double Margin = 0)
{
    /// <summary>For regression tables: the largest test RMSE a model may have (null: no ceiling).</summary>
    public double? MaxRmse { get; init; }

    /// <summary>
    /// For a yes/no table: <c>groups</c>, <c>favorable</c>, <c>min_selection_ratio</c> and <c>max_opportunity_difference</c>, the groups of
    /// the test rows a model is compared across (as <c>lepton eval --groups</c>) and the bounds it must keep (null: none named).
    /// </summary>
    public Loop.GroupBounds? Groups { get; init; }
}

/// <summary>
/// <c>training:</c> of a table recipe: boosting rounds (<c>trees</c>, fixed, no early stopping) and <c>learning_rate</c> for
/// gbdt (or the MLP's rate), the MLP's <c>epochs</c> and <c>batch_size</c>, auto's time <c>budget</c>, <c>class_weight</c>
/// (<c>balanced</c>, <c>yes=10</c>), a yes/no label's <c>threshold</c> (<c>0.3</c>, <c>f1</c>, <c>precision=0.9</c>,
/// <c>recall=0.8</c>), a number label's <c>loss</c> (<c>poisson</c>, <c>quantile=0.9</c>) and <c>monotone</c> columns
/// (<c>income=increasing,debt_ratio=decreasing</c>), <c>additive</c> and the columns to <c>exclude</c> (<c>home,age</c>); unset keeps the learner's defaults.
/// </summary>
public sealed record RecipeTableTraining(int? Trees = null, double? LearningRate = null, int? Epochs = null, int? BatchSize = null, TimeSpan? Budget = null)
{
    public string? ClassWeight { get; init; }

    public string? Threshold { get; init; }

    /// <summary>A regression label's loss (<c>poisson</c>, <c>quantile=0.9</c>, ...; see <see cref="Lepton.NN.Tasks.RegressionLoss"/>).</summary>
    public string? Loss { get; init; }

    /// <summary>Columns whose effect may only rise or only fall (see <see cref="Training.Classic.MonotoneConstraints"/>).</summary>
    public string? Monotone { get; init; }

    /// <summary>Trees split on one column each: a sum of one curve per column (see <see cref="Training.Workflows.Tables.TabularRecipe.Additive"/>).</summary>
    public bool Additive { get; init; }

    /// <summary>Columns the model must not learn from (<c>home,age</c>; see <see cref="Training.Workflows.Tables.TabularRecipe.Exclude"/>).</summary>
    public string? Exclude { get; init; }

    /// <summary>The column whose groups the training rows are reweighed by (see <see cref="Training.Workflows.Tables.TabularRecipe.Reweigh"/>).</summary>
    public string? Reweigh { get; init; }

    /// <summary>How a classifier's probabilities are calibrated (<c>sigmoid</c>, <c>isotonic</c>, <c>auto</c>; see <see cref="Training.Workflows.Tables.TabularRecipe.Calibrate"/>).</summary>
    public string? Calibrate { get; init; }

    /// <summary>The level of conformal intervals or prediction sets (0.9; see <see cref="Training.Workflows.Tables.TabularRecipe.Intervals"/>).</summary>
    public double? Intervals { get; init; }

    /// <summary>A classifier's sets fitted class by class (see <see cref="Training.Workflows.Tables.TabularRecipe.IntervalsPerClass"/>).</summary>
    public bool IntervalsPerClass { get; init; }

    /// <summary>How a regressor's intervals are made (<c>residuals</c>, <c>quantiles</c>; see <see cref="Training.Workflows.Tables.TabularRecipe.IntervalsMethod"/>).</summary>
    public string? IntervalsMethod { get; init; }

    /// <summary>The column each row is weighted by (see <see cref="Training.Workflows.Tables.TabularRecipe.WeightColumn"/>).</summary>
    public string? WeightColumn { get; init; }

    /// <summary>The tabular workflow's recipe for learner <paramref name="learner"/> on table version <paramref name="datasetRef"/>.</summary>
    public Training.Workflows.Tables.TabularRecipe ToTabularRecipe(string datasetRef, string learner, ulong seed) => new(
        datasetRef, learner, (int)(seed % int.MaxValue), Budget,
        Trees: Training.Workflows.Tables.TabularRecipe.TreeOptions(learner, Trees, learner == "mlp" ? null : LearningRate),
        Mlp: Training.Workflows.Tables.TabularRecipe.MlpOptions(learner, Epochs, learner == "mlp" ? LearningRate : null, BatchSize),
        ClassWeight: ClassWeight, Threshold: Threshold) { Loss = Loss, Monotone = Monotone, Additive = Additive, Exclude = Exclude, Reweigh = Reweigh, Calibrate = Calibrate, Intervals = Intervals, IntervalsPerClass = IntervalsPerClass, IntervalsMethod = IntervalsMethod, WeightColumn = WeightColumn };
}

/// <summary><c>serve.canary:</c> the alias a challenger is promoted to first and the share of traffic it gets.</summary>
public sealed record RecipeCanary(string Alias = "staging", double Fraction = 0.1);

/// <summary><c>serve:</c> what <c>lepton serve</c> loads and how it batches; <c>Models</c> defaults to <c>name@production</c>.</summary>
public sealed record RecipeServe(
    IReadOnlyList<string> Models,
    int MaxBatchSize = 32,
    TimeSpan? MaxQueueDelay = null,
    RecipeCanary? Canary = null,
    int Port = 8080,
    string Host = "127.0.0.1",
    string BatchWait = "inline")
{
    /// <summary>The longest wait for a batch to fill (default 2 ms).</summary>
    public TimeSpan QueueDelay => MaxQueueDelay ?? TimeSpan.FromMilliseconds(2);
}

/// <summary><c>monitoring:</c> the sliding window statistics are computed over, how often, and the alert rules as written.</summary>
public sealed record RecipeMonitoring(TimeSpan Window, TimeSpan Interval, IReadOnlyList<AlertRule> Rules)
{
    public static RecipeMonitoring Default { get; } = new(TimeSpan.FromMinutes(15), TimeSpan.FromSeconds(30), []);

    /// <summary>The options the background monitor takes.</summary>
    public MonitoringOptions ToOptions() => new(Window, Interval, Rules);
}

/// <summary>What starts the loop: a monitoring alert, a fixed schedule (<c>every</c>) or only a person (<c>lepton loop</c>).</summary>
public enum LoopTriggerKind
{
    Alert,
    Schedule,
    Manual,
}

/// <summary>
/// <c>loop:</c> the closed loop's policy: its trigger (with <c>Every</c> for a schedule), how the challenger trains, how much
/// feedback it needs, how long the canary runs, and the fraction of feedback held out to compare champion and challenger.
/// </summary>
public sealed record RecipeLoop(
    LoopTriggerKind Trigger = LoopTriggerKind.Alert,
    TimeSpan? Every = null,
    LoopMode Mode = LoopMode.FineTune,
    int Epochs = 1,
    int MinFeedback = 100,
    TimeSpan? CanaryWindow = null,
    double FeedbackHoldout = 0.2)
{
    /// <summary>How long a canary runs before the verdict (default 5 minutes).</summary>
    public TimeSpan CanaryDuration => CanaryWindow ?? TimeSpan.FromMinutes(5);
}
