using Lepton.Engine;
using Lepton.NN.Serialization;

namespace Lepton.Training.Metrics;

/// <summary>
/// Counts of thresholded or argmax decisions against targets, per class (multiclass; binary as classes negative and
/// positive) or per label (multi-label): true positives, false positives, false negatives, and exact-match rows.
/// </summary>
internal sealed class DecisionCounts(TaskSpec task, string metric)
{
    public long[] Tp { get; private set; } = [];
    public long[] Fp { get; private set; } = [];
    public long[] Fn { get; private set; } = [];

    /// <summary>Per class: whether it appeared as a target or a prediction (scikit-learn averages over those).</summary>
    public bool[] Seen { get; private set; } = [];

    public long Rows { get; private set; }

    /// <summary>Rows whose decision matches the target exactly (all labels, for multi-label).</summary>
    public long ExactRows { get; private set; }

    /// <summary>Label decisions that differ from the target (multi-label Hamming loss numerator).</summary>
    public long WrongLabels { get; private set; }

    public int Width => Tp.Length;

    public void Reset()
    {
        Tp = Fp = Fn = [];
        Seen = [];
        Rows = ExactRows = WrongLabels = 0;
    }

    public void Update(Tensor outputs, Tensor targets)
    {
        var o = MetricInputs.Outputs(metric, outputs, out int n, out int k);
        switch (task.Kind)
        {
            case TaskKind.Multiclass:
            {
                var ids = MetricInputs.ClassIds(metric, targets, n, k);
                Ensure(k);
                for (int i = 0; i < n; i++) Count(Scores.Argmax(o.Slice(i * k, k)), ids[i]);
                break;
            }
            case TaskKind.Binary:
            {
                if (k != 1) throw new ArgumentException($"{metric} (binary) expected one logit per example (N, 1), got outputs {outputs.Shape}.");
                var y = MetricInputs.Targets(metric, targets, n, 1);
                Ensure(2);
                for (int i = 0; i < n; i++) Count(Scores.Sigmoid(o[i]) >= task.Threshold ? 1 : 0, y[i] >= 0.5f ? 1 : 0);
                break;
            }
            case TaskKind.MultiLabel:
            {
                var y = MetricInputs.Targets(metric, targets, n, k);
                Ensure(k);
                for (int i = 0; i < n; i++)
                {
                    bool exact = true;
                    for (int j = 0; j < k; j++)
                    {
                        bool p = Scores.Sigmoid(o[i * k + j]) >= task.Threshold, a = y[i * k + j] >= 0.5f;
                        if (p && a) Tp[j]++;
                        else if (p) Fp[j]++;
                        else if (a) Fn[j]++;
                        if (p != a) { exact = false; WrongLabels++; }
                    }
                    if (exact) ExactRows++;
                    Rows++;
                }
                break;
            }
            default:
                throw new InvalidOperationException($"{metric} applies to classification tasks, not {TaskSpec.NameOf(task.Kind)}; use mae, rmse or r2.");
        }
    }

    /// <summary>F1 of one class/label.</summary>
    public double F1(int c) => Scores.F1(Tp[c], Fp[c], Fn[c]);

    /// <summary>Mean F1 over classes seen in targets or predictions (multiclass, binary) or over every label (multi-label).</summary>
    public double MacroF1()
    {
        double sum = 0;
        int count = 0;
        for (int c = 0; c < Width; c++)
        {
            if (task.Kind != TaskKind.MultiLabel && !Seen[c]) continue;
            sum += F1(c);
            count++;
        }
        return count == 0 ? double.NaN : sum / count;
    }

    /// <summary>F1 of the pooled counts (for single-label tasks this equals accuracy).</summary>
    public double MicroF1() => Width == 0 ? double.NaN : Scores.F1(Tp.Sum(), Fp.Sum(), Fn.Sum());

    private void Count(int predicted, int actual)
    {
        Seen[predicted] = Seen[actual] = true;
        if (predicted == actual) { Tp[actual]++; ExactRows++; }
        else { Fp[predicted]++; Fn[actual]++; }
        Rows++;
    }

    private void Ensure(int k)
    {
        if (Width == k) return;
        if (Width != 0) throw new ArgumentException($"{metric}: outputs changed from {Width} to {k} columns between batches.");
        Tp = new long[k];
        Fp = new long[k];
        Fn = new long[k];
        Seen = new bool[k];
    }
}
