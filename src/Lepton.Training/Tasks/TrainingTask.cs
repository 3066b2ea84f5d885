using Lepton.Engine;
using Lepton.NN.Losses;
using Lepton.NN.Serialization;
using Lepton.Training.Metrics;

namespace Lepton.Training.Tasks;

/// <summary>
/// What a model is trained to do: its loss, the targets it expects (checked with errors that name the task, the
/// shape received and the fix), its default metrics and its evaluation report. Made from a <see cref="TaskSpec"/>.
/// </summary>
public abstract class TrainingTask
{
    private protected TrainingTask(TaskSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Spec = spec;
    }

    /// <summary>The task as model.json records it.</summary>
    public TaskSpec Spec { get; }

    public TaskKind Kind => Spec.Kind;

    /// <summary>The task's name in model.json and in errors, e.g. <c>multilabel</c>.</summary>
    public string Name => TaskSpec.NameOf(Kind);

    /// <summary>The loss on raw outputs; it checks each batch's targets against the outputs first.</summary>
    public ILoss Loss => _loss ??= new TaskLoss(this, CreateLoss());

    private ILoss? _loss;

    /// <summary>Throws when a batch of targets alone has the wrong dtype, rank or values for this task.</summary>
    public abstract void CheckTargets(Tensor targets);

    /// <summary>Checks outputs against targets and returns the targets in the form the loss takes (e.g. float (N, 1)).</summary>
    public abstract Tensor PrepareTargets(Tensor outputs, Tensor targets);

    /// <summary>The metrics Fit reports when none are given (fresh instances).</summary>
    public abstract IReadOnlyList<IMetric> DefaultMetrics();

    /// <summary>The task's evaluation of outputs (N*k, row-major) against targets as floats (class ids for multiclass).</summary>
    public abstract ITaskReport Report(ReadOnlySpan<float> outputs, int width, ReadOnlySpan<float> targets,
        IReadOnlyList<string> classNames, double? loss);

    /// <summary>The loss module before target checks.</summary>
    protected abstract ILoss CreateLoss();

    /// <summary>The task object for a spec, with each task's default loss.</summary>
    public static TrainingTask Create(TaskSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Kind switch
        {
            TaskKind.Multiclass => new MulticlassTask(spec),
            TaskKind.Binary => new BinaryTask(spec),
            TaskKind.MultiLabel => new MultiLabelTask(spec),
            TaskKind.Regression => new RegressionTask(spec),
            _ => throw new ArgumentOutOfRangeException(nameof(spec), $"Unknown task kind {spec.Kind}."),
        };
    }

    /// <summary>The task of a kind with default options, e.g. <c>TrainingTask.Create(TaskKind.Binary)</c>.</summary>
    public static TrainingTask Create(TaskKind kind) => Create(new TaskSpec(kind));

    private protected ArgumentException Error(string message) => new($"{char.ToUpperInvariant(Name[0])}{Name[1..]} task: {message}");

    /// <summary>Checks float targets lie in [0, 1] (labels or soft labels).</summary>
    private protected void CheckUnitInterval(Tensor targets, string what)
    {
        var c = targets.Contiguous();
        ReadOnlySpan<float> v = c.DType == DType.Float32 ? c.Span<float>() : c.ToArray();
        for (int i = 0; i < v.Length; i++)
            if (!(v[i] >= 0 && v[i] <= 1))
                throw Error($"{what} must be 0 or 1 (or a soft label in [0, 1]), got {v[i]} at flat index {i} of targets {targets.Shape}.");
    }

    private protected static bool IsFloat(Tensor t) => t.DType is DType.Float32 or DType.Float64;
}

/// <summary>A task's loss: checks and reshapes the targets, then applies the loss module.</summary>
internal sealed class TaskLoss(TrainingTask task, ILoss inner) : ILoss
{
    public ILoss Inner { get; } = inner;

    public string Name => Inner.Name;

    public Tensor Compute(Tensor prediction, Tensor target) => Inner.Compute(prediction, task.PrepareTargets(prediction, target));
}
