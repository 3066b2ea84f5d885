using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.NN.Losses;

namespace Lepton.Compression.Distillation;

/// <summary>
/// Knowledge-distillation loss: <c>alpha * T² * KL(p_teacher || softmax(student / T)) + (1 - alpha) * CE(student, y)</c>, the KL
/// averaged over the batch as PyTorch's <c>kl_div(..., reduction="batchmean")</c>. T² keeps the soft term's gradient on the
/// scale of the hard one as T grows. Built from differentiable primitives (log-softmax, multiply, sum), so its gradient with
/// respect to the student's logits comes from autograd; the teacher's probabilities are constants.
/// </summary>
public sealed class DistillationLoss
{
    public DistillationLoss(DistillationLossOptions? options = null)
    {
        Options = (options ?? new DistillationLossOptions()).Validate();
    }

    public DistillationLossOptions Options { get; }

    /// <summary>
    /// The loss of <paramref name="studentLogits"/> (N,C) against the teacher's temperature-softened probabilities
    /// <paramref name="teacherProbabilities"/> (N,C) (see <see cref="SoftTargets"/>) and Int32 class ids <paramref name="labels"/> (N).
    /// </summary>
    public Tensor Compute(Tensor studentLogits, Tensor teacherProbabilities, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(studentLogits);
        ArgumentNullException.ThrowIfNull(teacherProbabilities);
        ArgumentNullException.ThrowIfNull(labels);
        if (studentLogits.Rank != 2)
            throw new ArgumentException($"Distillation expected student logits (N,C), got {studentLogits.Shape}; end the student with Linear(..., classes).");
        if (teacherProbabilities.Shape != studentLogits.Shape)
            throw new ArgumentException(
                $"Distillation: the teacher's probabilities {teacherProbabilities.Shape} must have the student's logits' shape {studentLogits.Shape}; teacher and student must predict the same classes.");
        int n = studentLogits.Shape[0];
        double t = Options.Temperature, alpha = Options.Alpha;
        var p = teacherProbabilities.Detach().To(studentLogits.DType);
        Tensor? soft = null, hard = null;
        if (alpha > 0)
        {
            // KL(p || q) = Σ p (log p - log q); the Σ p log p part does not depend on the student but keeps the value PyTorch's.
            var logQ = studentLogits.Mul(1.0 / t).LogSoftmax(1);                // (N,C)
            var kl = p.Mul(SafeLog(p).Sub(logQ)).Sum();                       // scalar
            soft = kl.Mul(alpha * t * t / n);
        }
        if (alpha < 1) hard = CrossEntropyLoss.Apply(studentLogits, labels).Mul(1 - alpha);
        return soft is null ? hard! : hard is null ? soft : soft.Add(hard);
    }

    /// <summary>
    /// The teachers' softened probabilities for one batch: <c>softmax(logits / T)</c> of each teacher's logits (N,C), averaged
    /// over the teachers (an ensemble). Computed without gradients: the teachers only give targets.
    /// </summary>
    public Tensor SoftTargets(IReadOnlyList<Tensor> teacherLogits)
    {
        ArgumentNullException.ThrowIfNull(teacherLogits);
        if (teacherLogits.Count == 0) throw new ArgumentException("Distillation needs at least one teacher's logits, got none.");
        using var _ = new NoGrad();
        Tensor? sum = null;
        foreach (var logits in teacherLogits)
        {
            if (logits.Rank != 2 || logits.Shape != teacherLogits[0].Shape)
                throw new ArgumentException(
                    $"Distillation: every teacher must give logits (N,C) of one shape; got {string.Join(", ", teacherLogits.Select(l => l.Shape.ToString()))}. Ensemble teachers must share their classes.");
            var probs = logits.Detach().Mul(1.0 / Options.Temperature).Softmax(1);
            sum = sum is null ? probs : sum.Add(probs);
        }
        return teacherLogits.Count == 1 ? sum! : sum!.Mul(1.0 / teacherLogits.Count);
    }

    // log p with 0·log 0 = 0: where p is 0 its product with p vanishes anyway, so any finite stand-in does.
    private static Tensor SafeLog(Tensor p) => p.Clamp(min: 1e-30).Log();
}
