using Lepton.Engine;
using Lepton.NN.Serialization;

namespace Lepton.Training.Metrics;

/// <summary>
/// Mean negative log-likelihood computed from logits without clipping: softmax cross-entropy (multiclass),
/// binary cross-entropy (binary; multi-label averaged over every label). Name <c>log_loss</c>.
/// </summary>
public sealed class LogLossMetric(TaskSpec task) : IMetric
{
    private double _sum;
    private long _count;

    public string Name => "log_loss";

    public bool HigherIsBetter => false;

    public void Reset()
    {
        _sum = 0;
        _count = 0;
    }

    public void Update(Tensor outputs, Tensor targets)
    {
        var o = MetricInputs.Outputs(Name, outputs, out int n, out int k);
        switch (task.Kind)
        {
            case TaskKind.Multiclass:
            {
                var ids = MetricInputs.ClassIds(Name, targets, n, k);
                Span<double> p = k <= 256 ? stackalloc double[k] : new double[k];
                for (int i = 0; i < n; i++)
                {
                    var row = o.Slice(i * k, k);
                    _sum += Scores.Softmax(row, p) - row[ids[i]];
                }
                _count += n;
                break;
            }
            case TaskKind.Binary:
            case TaskKind.MultiLabel:
            {
                if (task.Kind == TaskKind.Binary && k != 1)
                    throw new ArgumentException($"log_loss (binary) expected one logit per example (N, 1), got outputs {outputs.Shape}.");
                var y = MetricInputs.Targets(Name, targets, n, k);
                for (int i = 0; i < n * k; i++) _sum += Scores.BceFromLogit(o[i], y[i]);
                _count += (long)n * k;
                break;
            }
            default:
                throw new InvalidOperationException($"log_loss applies to classification tasks, not {TaskSpec.NameOf(task.Kind)}; use mae, rmse or r2.");
        }
    }

    public double Compute() => _count == 0 ? double.NaN : _sum / _count;
}
