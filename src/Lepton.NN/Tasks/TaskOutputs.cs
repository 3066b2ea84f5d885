using Lepton.Engine;
using Lepton.NN.Serialization;

namespace Lepton.NN.Tasks;

/// <summary>
/// Turns a model's raw outputs (N, k) into answers for its task: top labels with softmax probabilities (multiclass),
/// a label with the positive probability (binary), independent probabilities and the labels at the threshold
/// (multi-label), or named values (regression). Built once per model (it checks k against the names), then pure.
/// </summary>
public sealed class TaskOutputs
{
    private readonly string[] _names;
    private readonly string _negative = "", _positive = "";

    private TaskOutputs(TaskSpec task, string[] names, int width)
    {
        Task = task;
        _names = names;
        Width = width;
        if (task.Kind == TaskKind.Binary)
        {
            _negative = names.Length == 2 ? names[0] : "negative";
            _positive = names.Length == 2 ? names[1] : "positive";
        }
    }

    /// <summary>The task the outputs are decoded for.</summary>
    public TaskSpec Task { get; }

    /// <summary>k, the number of outputs per example.</summary>
    public int Width { get; }

    /// <summary>The name of each output: class or label names, target names, or for binary (negative, positive).</summary>
    public IReadOnlyList<string> Names => Task.Kind == TaskKind.Binary ? [_negative, _positive] : _names;

    /// <summary>
    /// A decoder for <paramref name="outputs"/> values per example. Class names must number k (multiclass, multi-label),
    /// 0 or 2 (binary: negative then positive); target names k or none. Empty names become output indices.
    /// </summary>
    public static TaskOutputs For(TaskSpec task, IReadOnlyList<string>? classNames, int outputs)
    {
        ArgumentNullException.ThrowIfNull(task);
        var names = classNames ?? [];
        string kind = TaskSpec.NameOf(task.Kind);
        if (outputs < 1)
            throw new ArgumentException($"TaskOutputs ({kind}): a model needs at least one output per example, got {outputs}.");
        if (task.Kind is TaskKind.Binary or TaskKind.MultiLabel && !(task.Threshold is >= 0 and <= 1))
            throw new ArgumentException($"TaskOutputs ({kind}): threshold must be in [0, 1], got {task.Threshold}.");
        switch (task.Kind)
        {
            case TaskKind.Multiclass:
            case TaskKind.MultiLabel:
                if (names.Count != 0 && names.Count != outputs)
                    throw new ArgumentException(
                        $"TaskOutputs ({kind}): the model gives {outputs} outputs per example but class_names has {names.Count} names; give one name per output or retrain with {names.Count} outputs.");
                if (task.Kind == TaskKind.Multiclass && outputs < 2)
                    throw new ArgumentException($"TaskOutputs (multiclass): a classifier needs at least 2 outputs (one logit per class), got {outputs}; for a yes/no model with one logit use the binary task.");
                return new TaskOutputs(task, names.Count == 0 ? IndexNames(outputs, "") : [.. names], outputs);
            case TaskKind.Binary:
                if (outputs != 1)
                    throw new ArgumentException($"TaskOutputs (binary): expected one logit per example (N, 1), got {outputs} outputs; for {outputs} exclusive classes use the multiclass task.");
                if (names.Count is not (0 or 2))
                    throw new ArgumentException($"TaskOutputs (binary): class_names must be empty or (negative, positive), got {names.Count} names [{string.Join(", ", names)}].");
                return new TaskOutputs(task, [.. names], 1);
            case TaskKind.Regression:
                var targets = task.TargetNames ?? [];
                if (targets.Count != 0 && targets.Count != outputs)
                    throw new ArgumentException(
                        $"TaskOutputs (regression): the model gives {outputs} values per example but target_names has {targets.Count} names; give one name per output.");
                return new TaskOutputs(task, targets.Count != 0 ? [.. targets] : outputs == 1 ? ["value"] : IndexNames(outputs, "value_"), outputs);
            default:
                throw new ArgumentOutOfRangeException(nameof(task), $"TaskOutputs: unknown task kind {task.Kind}.");
        }
    }

    /// <summary>Decodes one example's outputs (length k); <paramref name="topK"/> bounds the labels of a multiclass answer.</summary>
    public TaskAnswer Decode(ReadOnlySpan<float> row, int topK = 5)
    {
        if (row.Length != Width)
            throw new ArgumentException($"TaskOutputs ({TaskSpec.NameOf(Task.Kind)}): expected {Width} outputs per example, got {row.Length}.");
        switch (Task.Kind)
        {
            case TaskKind.Multiclass:
                return DecodeClasses(row, topK);
            case TaskKind.Binary:
            {
                double p = ScoreMath.Sigmoid(row[0]);
                bool positive = p >= Task.Threshold;
                return new BinaryAnswer(positive ? _positive : _negative, p, positive);
            }
            case TaskKind.MultiLabel:
            {
                var scores = new LabelScore[Width];
                int on = 0;
                for (int j = 0; j < Width; j++)
                {
                    double p = ScoreMath.Sigmoid(row[j]);
                    scores[j] = new LabelScore(_names[j], p);
                    if (p >= Task.Threshold) on++;
                }
                var labels = new string[on];
                for (int j = 0, o = 0; j < Width; j++) if (scores[j].Probability >= Task.Threshold) labels[o++] = _names[j];
                return new MultiLabelAnswer(scores, labels);
            }
            default:
            {
                var values = new NamedValue[Width];
                for (int j = 0; j < Width; j++) values[j] = new NamedValue(_names[j], row[j]);
                return new RegressionAnswer(values);
            }
        }
    }

    /// <summary>Decodes every row of <paramref name="outputs"/> (N, k); (N) is taken as (N, 1) when k is 1.</summary>
    public TaskAnswer[] Decode(Tensor outputs, int topK = 5)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        bool shapeOk = outputs.Rank == 2 && outputs.Shape[1] == Width || outputs.Rank == 1 && Width == 1;
        if (!shapeOk)
            throw new ArgumentException($"TaskOutputs ({TaskSpec.NameOf(Task.Kind)}): expected outputs (N, {Width}), got {outputs.Shape}.");
        int n = outputs.Shape[0];
        var c = outputs.Contiguous();
        ReadOnlySpan<float> values = c.DType == DType.Float32 ? c.Span<float>() : c.ToArray();
        var answers = new TaskAnswer[n];
        for (int i = 0; i < n; i++) answers[i] = Decode(values.Slice(i * Width, Width), topK);
        return answers;
    }

    /// <summary>
    /// Writes one example's probabilities (softmax over classes; sigmoid per output for binary and multi-label) or,
    /// for regression, its values into <paramref name="destination"/> (length k), without allocating.
    /// </summary>
    public void Probabilities(ReadOnlySpan<float> row, Span<double> destination)
    {
        if (row.Length != Width || destination.Length != Width)
            throw new ArgumentException($"TaskOutputs.Probabilities: expected {Width} outputs and room for {Width}, got {row.Length} and {destination.Length}.");
        switch (Task.Kind)
        {
            case TaskKind.Multiclass:
                ScoreMath.Softmax(row, destination);
                break;
            case TaskKind.Regression:
                for (int j = 0; j < Width; j++) destination[j] = row[j];
                break;
            default:
                for (int j = 0; j < Width; j++) destination[j] = ScoreMath.Sigmoid(row[j]);
                break;
        }
    }

    private ClassAnswer DecodeClasses(ReadOnlySpan<float> row, int topK)
    {
        if (topK < 1) throw new ArgumentOutOfRangeException(nameof(topK), $"TaskOutputs (multiclass): topK must be >= 1, got {topK}.");
        int k = Math.Min(topK, Width);
        Span<double> p = Width <= 256 ? stackalloc double[Width] : new double[Width];
        ScoreMath.Softmax(row, p);
        // Partial selection: k passes, each taking the most probable class not yet taken (ties to the lower index).
        var top = new LabelScore[k];
        Span<bool> taken = Width <= 256 ? stackalloc bool[Width] : new bool[Width];
        for (int t = 0; t < k; t++)
        {
            int best = -1;
            for (int j = 0; j < Width; j++)
                if (!taken[j] && (best < 0 || p[j] > p[best])) best = j;
            taken[best] = true;
            top[t] = new LabelScore(_names[best], p[best]);
        }
        return new ClassAnswer(top);
    }

    private static string[] IndexNames(int count, string prefix)
    {
        var names = new string[count];
        for (int i = 0; i < count; i++) names[i] = prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return names;
    }
}
