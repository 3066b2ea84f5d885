using Lepton.NN.Tasks;
using Lepton.NN.Serialization;

namespace Lepton.Training.Classic;

/// <summary>
/// What a tabular learner predicts: binary or multiclass classification (labels are class indices 0..K-1 into
/// <see cref="ClassNames"/>) or regression (labels are the targets).
/// </summary>
public sealed record TabularTask
{
    private TabularTask(TaskKind kind, IReadOnlyList<string> classNames)
    {
        Kind = kind;
        ClassNames = classNames;
    }

    public TaskKind Kind { get; }

    /// <summary>Class names in index order (negative then positive for binary); empty for regression.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    public bool IsClassification => Kind != TaskKind.Regression;

    /// <summary>
    /// The probability from which a binary task says the positive class (0.5 unless a rule chose another, see
    /// <see cref="DecisionThreshold"/>); saved as model.json's task threshold, which predict and the server decide by.
    /// </summary>
    public double Threshold
    {
        get;
        init
        {
            if (!(value is >= 0 and <= 1)) throw new ArgumentException($"A decision threshold is a probability in [0, 1], got {value}.");
            if (Kind != TaskKind.Binary && value != 0.5) throw new ArgumentException($"Only a binary task has a decision threshold; this one is {TaskSpec.NameOf(Kind)}.");
            field = value;
        }
    } = 0.5;

    /// <summary>What a regressor minimizes, which fixes what it predicts (squared error: the mean); only a regression task takes another.</summary>
    public RegressionLoss Loss
    {
        get;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            if (Kind != TaskKind.Regression && value.Kind != RegressionLossKind.Squared)
                throw new ArgumentException($"The {value} loss fits a regression target; this task is {TaskSpec.NameOf(Kind)}.");
            field = value;
        }
    } = RegressionLoss.Squared;

    /// <summary>The task spec model.json records (kind, threshold, and a regressor's loss other than squared error).</summary>
    public TaskSpec Spec() => new(Kind, Threshold) { Loss = Kind == TaskKind.Regression && Loss.Kind != RegressionLossKind.Squared ? Loss.ToString() : null };

    /// <summary>Number of classes (0 for regression).</summary>
    public int ClassCount => ClassNames.Count;

    /// <summary>Two classes: labels 0 (<paramref name="negative"/>) and 1 (<paramref name="positive"/>).</summary>
    public static TabularTask Binary(string negative = "0", string positive = "1") => new(TaskKind.Binary, [negative, positive]);

    /// <summary>K exclusive classes, labels 0..K-1; two names make a binary task.</summary>
    public static TabularTask Classification(IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        if (classNames.Count < 2) throw new ArgumentException($"A classification task needs at least 2 classes, got {classNames.Count}.", nameof(classNames));
        if (classNames.Distinct(StringComparer.Ordinal).Count() != classNames.Count)
            throw new ArgumentException($"Class names must be distinct, got [{string.Join(", ", classNames)}].", nameof(classNames));
        return classNames.Count == 2 ? new(TaskKind.Binary, [.. classNames]) : new(TaskKind.Multiclass, [.. classNames]);
    }

    public static TabularTask Regression() => new(TaskKind.Regression, []);

    /// <summary>The task model.json's <paramref name="spec"/> and class names describe (a binary task keeps its threshold).</summary>
    public static TabularTask FromSpec(TaskSpec spec, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Kind == TaskKind.Regression) return spec.Loss is { } loss ? Regression() with { Loss = RegressionLoss.Parse(loss) } : Regression();
        var task = Classification(classNames);
        return task.Kind == TaskKind.Binary ? task with { Threshold = spec.Threshold } : task;
    }

    /// <summary>Checks labels against the task: class indices in range, finite targets the loss accepts; the error names the first bad row.</summary>
    public void CheckLabels(ReadOnlySpan<float> labels, int rows)
    {
        if (labels.Length != rows) throw new ArgumentException($"{rows} rows need {rows} labels, got {labels.Length}.", nameof(labels));
        for (int i = 0; i < labels.Length; i++)
        {
            float y = labels[i];
            if (!float.IsFinite(y)) throw new ArgumentException($"Label of row {i} is {y}; labels must be finite (drop or impute rows without a label).", nameof(labels));
            if (!IsClassification && Loss.RefusesTarget(y, i) is { } why) throw new ArgumentException(why, nameof(labels));
            if (IsClassification && (y != MathF.Floor(y) || y < 0 || y >= ClassCount))
                throw new ArgumentException(
                    $"Label of row {i} is {y}; a {TaskSpec.NameOf(Kind)} task with {ClassCount} classes takes class indices 0..{ClassCount - 1}.", nameof(labels));
        }
        // A log link cannot fit a mean of 0 (LightGBM refuses it too).
        if (Loss.LogLink && labels.Length > 0 && !labels.ContainsAnyExcept(0f))
            throw new ArgumentException($"Every one of the {rows} targets is 0; the {Loss} loss fits a positive mean. Check the label column, or use squared.", nameof(labels));
    }
}
