namespace Lepton.Training.Workflows.Tables;

/// <summary>
/// Everything that decides a tabular training run: the table data set version (<c>NAME@V</c>), the learner (<c>gbdt</c>,
/// <c>random-forest</c>, <c>logistic</c>, <c>linear</c>, <c>linear-svm</c>, <c>mlp</c>, or <c>auto</c>: cross-validated candidates
/// within <see cref="Budget"/>), the seed and the threads LightGBM may use (0: all cores). <see cref="Trees"/>, when set, replaces the
/// tree learners' default options (a hyperparameter search sets them); <see cref="Mlp"/> the MLP's. <see cref="ClassWeight"/>
/// weighs the training rows by class (<c>balanced</c>, <c>yes=10</c>); <see cref="Threshold"/> sets a binary classifier's
/// decision threshold (<c>0.3</c>) or the rule that chooses it on held-out predictions (<c>f1</c>, <c>precision=0.9</c>, <c>recall=0.8</c>);
/// <see cref="Loss"/> a regressor's loss; <see cref="Monotone"/> the columns whose effect may only rise or only fall.
/// </summary>
public sealed record TabularRecipe(string Data, string Model = "auto", int Seed = 0, TimeSpan? Budget = null, int Threads = 0,
    Classic.LightGbm.GradientBoostingOptions? Trees = null, Classic.Mlp.TabularMlpOptions? Mlp = null, string? ClassWeight = null,
    string? Threshold = null)
{
    /// <summary><see cref="ClassWeight"/> read (none when not given).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Classic.ClassWeighting ClassWeights => ClassWeight is null ? Classic.ClassWeighting.None : Classic.ClassWeighting.Parse(ClassWeight);

    /// <summary>
    /// A regression label's loss (<c>squared</c>, <c>absolute</c>, <c>quantile=0.9</c>, <c>poisson</c>, <c>gamma</c>, <c>tweedie=1.5</c>;
    /// see <see cref="NN.Tasks.RegressionLoss"/>): what the learners minimize, what the model predicts, and the metric auto ranks by.
    /// </summary>
    public string? Loss { get; init; }

    /// <summary><see cref="Loss"/> read (squared error when not given).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public NN.Tasks.RegressionLoss RegressionLoss => Loss is null ? NN.Tasks.RegressionLoss.Squared : NN.Tasks.RegressionLoss.Parse(Loss);

    /// <summary>
    /// Columns whose effect may only rise or only fall: <c>income=increasing,debt_ratio=decreasing</c> (see
    /// <see cref="Classic.MonotoneConstraints"/>); gbdt, random-forest and the linear learners keep them, auto tries only those.
    /// </summary>
    public string? Monotone { get; init; }

    /// <summary>
    /// An additive model: each tree splits on one raw column (LightGBM's interaction constraints), so the answer is a sum of one
    /// curve per column and a column's partial dependence is its exact effect on every row. Linear models are additive already;
    /// the MLP is refused, and auto leaves it out.
    /// </summary>
    public bool Additive { get; init; }

    /// <summary>
    /// Columns the model must not learn from though the data has them, comma-separated (<c>home,age</c>): a protected attribute kept
    /// for <c>lepton eval --groups</c>, a column that will not be known when the model answers. The served model does not ask for them.
    /// </summary>
    public string? Exclude { get; init; }

    /// <summary><see cref="Exclude"/> read (none when not given), each name once.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<string> ExcludedColumns => ParseColumns(Exclude);

    /// <summary>The column names of a comma-separated list (<c>--exclude home,age</c>); an empty name or a repeat is refused.</summary>
    public static IReadOnlyList<string> ParseColumns(string? list) => list is null ? [] : Runtime.Tables.ColumnList.Parse([list], "--exclude");

    /// <summary>
    /// <paramref name="data"/> with <see cref="ExcludedColumns"/> kept out of its features (the rows are unchanged); a column the data
    /// set lacks, the label, or a list that leaves nothing to learn from is refused by name.
    /// </summary>
    public Registry.Datasets.Tables.TableDatasetVersion WithExclusions(Registry.Datasets.Tables.TableDatasetVersion data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var excluded = ExcludedColumns;
        // The weight column says how much a row counts; it is never a feature (the served model does not ask for it).
        if (WeightColumn is { } weight)
        {
            TableRowWeights.Column(data, weight);
            if (!excluded.Contains(weight)) excluded = [.. excluded, weight];
        }
        if (excluded.Count == 0) return data;
        string name = $"{data.Version.Name}@{data.Version.Version}";
        foreach (var column in excluded)
        {
            if (!data.Table.HasColumn(column))
                throw new ArgumentException($"--exclude names '{column}', which {name} does not have; its columns are {string.Join(", ", data.Table.ColumnNames)}.");
            if (column == data.Schema.LabelColumn)
                throw new ArgumentException($"--exclude names '{column}', the label of {name}: a model never learns from its label; leave it out.");
        }
        var schema = data.Schema with { Excluded = excluded };
        if (schema.WithColumnsOf(data.Table).FeatureColumns().Count == 0)
            throw new ArgumentException($"{(Exclude is null ? $"--weight-column {WeightColumn}" : $"--exclude {Exclude}")} leaves {name} no column to learn from.");
        return data with { Schema = schema };
    }

    /// <summary>
    /// A column (or an intersection, <c>home+age</c>) whose groups the training rows are reweighed by (<see cref="Classic.Reweighing"/>):
    /// the label no longer depends on the group in the weighted rows, so neither the column nor the columns carrying it teach the model a
    /// group's past rate. Classifiers only; the trees and the linear learners take row weights, the MLP is refused and auto leaves it out.
    /// </summary>
    public string? Reweigh { get; init; }

    /// <summary>
    /// A numeric column saying how much each row counts (an exposure, a sampling weight): LightGBM and the linear learners weigh each
    /// row's loss by it, early stopping and the validation and test metrics (<c>weighted_*</c>) too; never a feature. The MLP is
    /// refused and auto leaves it out. A missing or negative weight is refused with its row.
    /// </summary>
    public string? WeightColumn { get; init; }

    /// <summary>Rows without a <see cref="WeightColumn"/> value count once instead of being refused (the loop's feedback rows).</summary>
    public bool MissingWeightCountsOnce { get; init; }

    /// <summary>
    /// The weight of each training row of <paramref name="set"/>: its <paramref name="column"/> weight (<see cref="SplitWeights"/> of
    /// the train split) times its <see cref="Reweigh"/> weight (null without either); the training rows are found in
    /// <paramref name="data"/>'s table by their row numbers.
    /// </summary>
    public float[]? RowWeights(Registry.Datasets.Tables.TableDatasetVersion data, Lepton.Data.Tables.Encoding.TableTrainingSet set, float[]? column)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(set);
        return Reweigh is null ? column : Classic.Reweighing.Combine(column, GroupWeights(data, set));
    }

    /// <summary>The <see cref="WeightColumn"/> weights of the rows of <paramref name="split"/> (null without one).</summary>
    public float[]? SplitWeights(Registry.Datasets.Tables.TableDatasetVersion data, Lepton.Data.Tables.Encoding.EncodedSplit split, string name) =>
        WeightColumn is { } column ? TableRowWeights.Of(data, column, split.RowNumbers, name, MissingWeightCountsOnce) : null;

    // The reweighing weight of each training row.
    private float[] GroupWeights(Registry.Datasets.Tables.TableDatasetVersion data, Lepton.Data.Tables.Encoding.TableTrainingSet set)
    {
        if (set.Labels.Task != Lepton.Data.Tables.Schema.TableTask.Classification)
            throw new ArgumentException($"--reweigh {Reweigh} makes the classes independent of its groups; a regression target has none. Leave it out.");
        var rows = data.Table.Take(TableRowWeights.Positions(data, set.Train.RowNumbers));
        var (keys, _) = Runtime.Tables.TableGroups.Keys(rows, Reweigh!, "--reweigh");
        return Classic.Reweighing.Weights(keys, set.Train.Labels);
    }

    /// <summary>The tree encoding's features grouped by raw column, which training sets for an <see cref="Additive"/> recipe (not part of what decides the run).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<IReadOnlyList<string>>? InteractionGroups { get; init; }

    /// <summary>
    /// The recipe with <see cref="InteractionGroups"/> set from the tree encoding's <paramref name="encoders"/> when it is additive and
    /// may grow trees; else the recipe as it is.
    /// </summary>
    public TabularRecipe WithColumnGroups(Func<Lepton.Data.Tables.Encoding.EncoderSet> encoders)
    {
        ArgumentNullException.ThrowIfNull(encoders);
        if (!Additive || Model is not ("gbdt" or "random-forest" or "auto")) return this;
        return this with { InteractionGroups = [.. encoders().Encoders.Select(e => e.FeatureNames)] };
    }

    /// <summary><see cref="Monotone"/> read (none when not given).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Classic.MonotoneConstraints MonotoneConstraints => Monotone is null ? Classic.MonotoneConstraints.None : Classic.MonotoneConstraints.Parse(Monotone);

    // Each of Monotone's columns must be a numeric or yes/no column the model learns from; the error names the column and what it is.
    private void CheckMonotoneColumns(Lepton.Data.Tables.Schema.TableSchema schema, string dataName)
    {
        var features = schema.FeatureColumns();
        foreach (var column in MonotoneConstraints.Directions.Keys)
        {
            if (schema.KindOf(column) is not { } kind)
                throw new ArgumentException($"--monotone names '{column}', which {dataName} does not have; its columns are {string.Join(", ", schema.Columns.Select(c => c.Name))}.");
            if (!features.Contains(column))
                throw new ArgumentException($"--monotone names '{column}', which the model does not learn from in {dataName} (the label, the group column, an identifier or an --exclude column); leave it out.");
            if (kind is not (Lepton.Data.Tables.Columns.ColumnKind.Numeric or Lepton.Data.Tables.Columns.ColumnKind.Boolean))
                throw new ArgumentException(
                    $"--monotone names '{column}', a {Lepton.Data.Tables.Columns.ColumnKinds.Name(kind)} column of {dataName}: only numeric and yes/no columns have an order a prediction can rise with.");
        }
    }

    /// <summary>
    /// How a classifier's probabilities are calibrated on held-out predictions (the validation split, else out-of-fold predictions of
    /// the training rows): <c>sigmoid</c>, <c>isotonic</c> or <c>auto</c> (<see cref="Classic.ProbabilityCalibrator"/>); none when not
    /// given. A threshold rule is then chosen on the calibrated probabilities.
    /// </summary>
    public string? Calibrate { get; init; }

    /// <summary>
    /// The level of the conformal intervals (regressors) or prediction sets (classifiers) fitted on the same held-out predictions as
    /// <see cref="Calibrate"/> (after it): 0.9 answers every row with an interval or set holding the truth 90% of the time; none when null.
    /// </summary>
    public double? Intervals { get; init; }

    /// <summary>
    /// A classifier's sets fitted class by class (Mondrian conformal prediction): <see cref="Intervals"/>' level then holds among the rows
    /// of every class, a rare one too, where sets fitted over all rows may cover the rare class far less; the sets are larger.
    /// </summary>
    public bool IntervalsPerClass { get; init; }

    /// <summary>
    /// How a regressor's intervals are made: <c>residuals</c> (the default) widens every answer by one quantile of the held-out
    /// residuals (scaled by the answer for counts and amounts); <c>quantiles</c> fits two more models of the learner at the quantiles
    /// (1 ± level) / 2 and widens their band by its held-out quantile (conformalized quantile regression), so the interval is wide
    /// where the target is spread and narrow where it is not.
    /// </summary>
    public string? IntervalsMethod { get; init; }

    /// <summary>The regressor's intervals come from conformalized quantile models (<see cref="IntervalsMethod"/> <c>quantiles</c>).</summary>
    public bool IntervalsFromQuantiles => IntervalsMethod == "quantiles";

    /// <summary>The values <see cref="IntervalsMethod"/> takes.</summary>
    public static IReadOnlyList<string> IntervalsMethods { get; } = ["residuals", "quantiles"];

    /// <summary>
    /// Choose <see cref="Threshold"/>'s rule (and fit <see cref="Calibrate"/>'s map) on out-of-fold predictions of the training rows
    /// even when the data set has a validation split (the loop's validation split is the feedback it judges champion and challenger on, so it must stay unseen).
    /// </summary>
    public bool ThresholdOnFolds { get; init; }

    /// <summary><see cref="Threshold"/> read (null when not given: a binary model decides at 0.5).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Classic.DecisionThreshold? ThresholdRule => Threshold is null ? null : Classic.DecisionThreshold.Parse(Threshold);

    /// <summary>Where auto reports each candidate's folds as they end (not part of what decides the run, so not recorded).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IProgress<Classic.Auto.TabularAutoProgress>? Progress { get; init; }

    /// <summary>The learners <see cref="Model"/> may name.</summary>
    public static IReadOnlyList<string> Models { get; } = ["auto", "gbdt", "random-forest", "logistic", "linear", "linear-svm", "mlp"];

    /// <summary>
    /// How a learner's features are encoded: linear models and the MLP get imputed, standardized, one-hot features (no NaN);
    /// trees and auto get ordinal categories and NaN as it is.
    /// </summary>
    public static Lepton.Data.Tables.Encoding.EncoderMode EncoderModeOf(string model) =>
        model is "logistic" or "linear" or "linear-svm" or "mlp" ? Lepton.Data.Tables.Encoding.EncoderMode.Linear : Lepton.Data.Tables.Encoding.EncoderMode.Trees;

    /// <summary>
    /// The MLP options a user's <c>--epochs</c>, <c>--lr</c> and <c>--batch-size</c> ask for (null when none is given): the most
    /// epochs (early stopping may end sooner), AdamW's rate and the rows per step. Only <c>--model mlp</c> takes them.
    /// </summary>
    public static Classic.Mlp.TabularMlpOptions? MlpOptions(string model, int? epochs, double? learningRate, int? batchSize)
    {
        if (epochs is null && learningRate is null && batchSize is null) return null;
        if (model != "mlp")
        {
            if (epochs is null && batchSize is null) return null; // --lr alone belongs to the tree learners (TreeOptions checks it)
            throw new ArgumentException($"--epochs and --batch-size set the MLP's training; --model {model} takes neither (use --model mlp, or leave them out).");
        }
        var o = new Classic.Mlp.TabularMlpOptions();
        if (epochs is { } e) o = o with { MaxEpochs = e };
        if (learningRate is { } lr) o = o with { LearningRate = lr };
        if (batchSize is { } b) o = o with { BatchSize = b };
        o.Validate();
        return o;
    }

    /// <summary>
    /// The tree options a user's <c>--trees</c> and <c>--lr</c> ask for (null when neither is given): a fixed number of
    /// boosting rounds (or forest trees) trained on every row, as XGBoost's <c>n_estimators</c> does, instead of early
    /// stopping on a held-out share; the learning rate of boosting. Only gbdt and random-forest grow trees.
    /// </summary>
    public static Classic.LightGbm.GradientBoostingOptions? TreeOptions(string model, int? trees, double? learningRate)
    {
        if (trees is null && learningRate is null) return null;
        if (model == "mlp" && trees is null) return null; // the MLP's --lr goes to MlpOptions
        if (model is not ("gbdt" or "random-forest"))
            throw new ArgumentException($"--trees and --lr set a tree learner's rounds and rate; --model {model} grows no trees (use gbdt or random-forest, or leave them out).");
        if (trees is < 1) throw new ArgumentException($"--trees must be at least 1, got {trees}.");
        if (learningRate is { } lr && !(lr > 0 && lr <= 1)) throw new ArgumentException($"--lr for gbdt must lie in (0, 1], got {lr}.");
        if (model == "random-forest" && learningRate is not null)
            throw new ArgumentException("A random forest averages its trees and has no learning rate; drop --lr or use --model gbdt.");
        var o = model == "gbdt" ? Classic.LightGbm.GradientBoostingOptions.Default : Classic.LightGbm.GradientBoostingOptions.RandomForest;
        if (trees is { } n) o = o with { Iterations = n, EarlyStoppingRounds = 0 };
        if (learningRate is { } rate) o = o with { LearningRate = rate };
        return o;
    }

    /// <summary>
    /// The task this recipe trains on a label (<paramref name="dataName"/> names the data set in errors): refused when the learner,
    /// the class weights, the threshold or the monotone constraints do not fit the label (or, given the data set's
    /// <paramref name="schema"/>, its columns); a fixed threshold already set on a yes/no task.
    /// </summary>
    public Classic.TabularTask TaskFor(Lepton.Data.Tables.Encoding.LabelEncoder labels, string dataName, Lepton.Data.Tables.Schema.TableSchema? schema = null)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (schema is not null) CheckMonotoneColumns(schema, dataName);
        var task = labels.Task == Lepton.Data.Tables.Schema.TableTask.Regression ? Classic.TabularTask.Regression() : Classic.TabularTask.Classification(labels.Classes);
        string label = $"{dataName}'s label '{labels.Column}'";
        if (Model is "logistic" or "linear-svm" && !task.IsClassification)
            throw new ArgumentException($"--model {Model} classifies, but {label} is a regression target; use linear, mlp, gbdt or auto.");
        if (!ClassWeights.IsNone && !task.IsClassification)
            throw new ArgumentException($"--class-weight {ClassWeight} weighs classes, but {label} is a regression target; leave it out.");
        MonotoneConstraints.CheckTask(task);
        if (Calibrate is not null && !task.IsClassification)
            throw new ArgumentException($"--calibrate {Calibrate} maps a classifier's probabilities, but {label} is a regression target (a regressor answers values); leave it out.");
        if (Loss is not null)
        {
            if (task.IsClassification)
                throw new ArgumentException($"--loss {Loss} sets a regressor's loss, but {label} holds {task.ClassCount} classes (classifiers minimize log loss); leave it out.");
            task = task with { Loss = RegressionLoss };
        }
        if (IntervalsFromQuantiles && task.IsClassification)
            throw new ArgumentException($"--intervals-method quantiles fits a regressor's interval from two quantile models, but {label} holds {task.ClassCount} classes (a classifier answers prediction sets); leave it out.");
        if (IntervalsFromQuantiles && task.Loss.Kind == NN.Tasks.RegressionLossKind.Quantile)
            throw new ArgumentException($"--intervals-method quantiles fits two quantile models beside the model, but the model is one already (--loss {Loss}); train --loss squared with it, or leave it out to conformalize the model's own bound.");
        // A quantile loss bounds one side at its own level: any other level is refused here, before any training.
        if (Intervals is { } level && !task.IsClassification && !IntervalsFromQuantiles) _ = Lepton.Runtime.Conformal.ConformalIntervals.RegressionScore(task.Loss, level);
        if (IntervalsPerClass && !task.IsClassification)
            throw new ArgumentException($"--intervals-per-class fits a classifier's sets class by class, but {label} is a regression target; leave it out.");
        if (ThresholdRule is not { } rule) return task;
        if (task.Kind != NN.Serialization.TaskKind.Binary)
            throw new ArgumentException($"--threshold {Threshold} sets a yes/no classifier's decision threshold, but {label} " +
                (task.IsClassification ? $"has {task.ClassCount} classes (each row goes to its most probable class)" : "is a regression target") + "; leave it out.");
        return rule.IsChosen ? task : task with { Threshold = rule.Value };
    }

    /// <summary>Checks the learner name and names the choices when it is wrong.</summary>
    public void Validate()
    {
        if (!Models.Contains(Model, StringComparer.Ordinal))
            throw new ArgumentException($"--model {Model} is not a learner for tables; use one of {string.Join(", ", Models)}.");
        if (Budget is { } b && b <= TimeSpan.Zero) throw new ArgumentException($"The time budget must be positive, got {b}.");
        _ = ClassWeights; // each throws, naming the forms, when the text is none of them
        _ = ThresholdRule;
        _ = RegressionLoss;
        _ = ExcludedColumns;
        if (Calibrate is not null) Classic.ProbabilityCalibrator.Check(Calibrate);
        if (Intervals is { } level) Lepton.Runtime.Conformal.ConformalIntervals.CheckLevel(level);
        if (IntervalsPerClass && Intervals is null)
            throw new ArgumentException("--intervals-per-class fits a classifier's sets class by class; give the level too, e.g. --intervals 0.9 --intervals-per-class.");
        if (IntervalsMethod is not null && !IntervalsMethods.Contains(IntervalsMethod, StringComparer.Ordinal))
            throw new ArgumentException($"--intervals-method {IntervalsMethod} is not a way to make intervals; use residuals (one width from held-out residuals) or quantiles (two quantile models, conformalized).");
        if (IntervalsMethod is not null && Intervals is null)
            throw new ArgumentException($"--intervals-method {IntervalsMethod} says how intervals are made; give their level too, e.g. --intervals 0.9 --intervals-method {IntervalsMethod}.");
        if (Reweigh is not null && Model == "mlp")
            throw new ArgumentException($"--reweigh {Reweigh}: the MLP takes no row weights; use gbdt, random-forest, logistic, linear-svm or auto.");
        if (WeightColumn is not null && Model == "mlp")
            throw new ArgumentException($"--weight-column {WeightColumn}: the MLP takes no row weights; use gbdt, random-forest, logistic, linear, linear-svm or auto.");
        if (Additive && Model == "mlp")
            throw new ArgumentException("--additive: the MLP mixes every column in every unit, so it cannot be a sum of one curve per column; use gbdt, random-forest, a linear learner or auto.");
        if (!MonotoneConstraints.IsNone && Model == "mlp")
            throw new ArgumentException($"--monotone {Monotone}: the MLP cannot promise a prediction that only rises or falls with a column; use gbdt, random-forest, logistic, linear, linear-svm or auto.");
    }
}
