using Lepton.Engine;
using Lepton.NN.Serialization;

namespace Lepton.Training.Metrics;

/// <summary>
/// Area under the ROC curve over everything since the last reset: binary on the logit (a monotone map of the
/// probability, so the same ranks), macro over labels (multi-label) or one-vs-rest classes on softmax probabilities
/// (multiclass); labels or classes with only one side present are left out. Name <c>roc_auc</c>.
/// </summary>
public sealed class RocAucMetric(TaskSpec task) : IMetric
{
    private readonly List<double> _scores = [];
    private readonly List<int> _classIds = [];
    private readonly List<bool> _positive = [];
    private int _width;

    public string Name => "roc_auc";

    public bool HigherIsBetter => true;

    public void Reset()
    {
        _scores.Clear();
        _classIds.Clear();
        _positive.Clear();
        _width = 0;
    }

    public void Update(Tensor outputs, Tensor targets)
    {
        var o = MetricInputs.Outputs(Name, outputs, out int n, out int k);
        if (_width != 0 && _width != k) throw new ArgumentException($"roc_auc: outputs changed from {_width} to {k} columns between batches.");
        _width = k;
        switch (task.Kind)
        {
            case TaskKind.Multiclass:
            {
                var ids = MetricInputs.ClassIds(Name, targets, n, k);
                Span<double> p = k <= 256 ? stackalloc double[k] : new double[k];
                for (int i = 0; i < n; i++)
                {
                    Scores.Softmax(o.Slice(i * k, k), p);
                    foreach (var v in p) _scores.Add(v);
                    _classIds.Add(ids[i]);
                }
                break;
            }
            case TaskKind.Binary:
            case TaskKind.MultiLabel:
            {
                if (task.Kind == TaskKind.Binary && k != 1)
                    throw new ArgumentException($"roc_auc (binary) expected one logit per example (N, 1), got outputs {outputs.Shape}.");
                var y = MetricInputs.Targets(Name, targets, n, k);
                for (int i = 0; i < n * k; i++)
                {
                    _scores.Add(o[i]);
                    _positive.Add(y[i] >= 0.5f);
                }
                break;
            }
            default:
                throw new InvalidOperationException($"roc_auc applies to classification tasks, not {TaskSpec.NameOf(task.Kind)}.");
        }
    }

    public double Compute()
    {
        if (_scores.Count == 0) return double.NaN;
        var scores = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_scores);
        if (task.Kind == TaskKind.Multiclass)
            return RocAuc.OneVsRest(scores, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_classIds), _width).Macro;
        var positive = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_positive);
        return PerLabel(scores, positive, _width).Macro;
    }

    /// <summary>AUC of each of <paramref name="width"/> interleaved columns and their mean over the defined ones.</summary>
    internal static (double[] PerLabel, double Macro) PerLabel(ReadOnlySpan<double> scores, ReadOnlySpan<bool> positive, int width)
    {
        int n = scores.Length / width;
        var per = new double[width];
        var col = new double[n];
        var pos = new bool[n];
        double sum = 0;
        int counted = 0;
        for (int j = 0; j < width; j++)
        {
            for (int i = 0; i < n; i++)
            {
                col[i] = scores[i * width + j];
                pos[i] = positive[i * width + j];
            }
            per[j] = RocAuc.Binary(col, pos);
            if (!double.IsNaN(per[j])) { sum += per[j]; counted++; }
        }
        return (per, counted == 0 ? double.NaN : sum / counted);
    }
}
