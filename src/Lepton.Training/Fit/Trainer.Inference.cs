using Lepton.Data;
using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.Engine.Memory;
using Lepton.Training.Metrics;

namespace Lepton.Training;

public sealed partial class Trainer
{
    /// <summary>Loss, accuracy and a classification report (with ROC-AUC) of the model on <paramref name="data"/>, in eval mode.</summary>
    public ClassificationReport Evaluate(IDataset data, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(data);
        var r = EvaluatePass(data, batchSize, collect: true, CancellationToken.None)!;
        if (r.Scores is null)
            throw new InvalidOperationException(
                $"Evaluate builds a multiclass report, which needs logits (N,C) and Int32 class ids (N); this {(Task is null ? "model and data give other shapes" : $"trainer's task is {Task.Name}")}. Use EvaluateTask for the task's own report (binary, multi-label, regression).");
        return ClassificationReport.FromScores(r.Scores, r.Classes, r.Labels!, data.ClassNames, r.Loss);
    }

    /// <summary>MAE, RMSE and R² of the model's outputs against real-valued targets of the same size.</summary>
    public RegressionMetrics EvaluateRegression(IDataset data, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(data);
        var predicted = new List<float>();
        var actual = new List<float>();
        ForEachEvalBatch(data, batchSize, CancellationToken.None, (b, output) =>
        {
            if (output.Numel != b.Targets.Numel)
                throw new InvalidOperationException($"EvaluateRegression: model output {output.Shape} and targets {b.Targets.Shape} differ in size.");
            predicted.AddRange(output.ToArray());
            actual.AddRange(b.Targets.ToArray());
        });
        return RegressionMetrics.Compute(predicted.ToArray(), actual.ToArray());
    }

    /// <summary>The model's outputs for <paramref name="inputs"/> (N, ...) in eval mode without gradients, batched by <see cref="TrainerOptions.EvalBatchSize"/>.</summary>
    public Tensor Predict(Tensor inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Rank == 0) throw new ArgumentException($"Predict expects a batch (N, ...), got a scalar of shape {inputs.Shape}.", nameof(inputs));
        return Runtime.Inference.Forward(Model, inputs, Options.EvalBatchSize);
    }

    private sealed record EvalResult(double Loss, double? Accuracy, double[]? Scores, int Classes, int[]? Labels);

    /// <summary>Mean loss and accuracy over <paramref name="data"/> in eval mode; null when cancelled part-way.</summary>
    private EvalResult? EvaluatePass(IDataset data, int batchSize, bool collect, CancellationToken ct, List<IMetric>? metrics = null)
    {
        double lossSum = 0;
        long samples = 0, correct = 0;
        bool classification = true;
        int classes = 0;
        var scores = collect ? new List<double>() : null;
        var labels = collect ? new List<int>() : null;
        bool completed = ForEachEvalBatch(data, batchSize, ct, (b, logits) =>
        {
            double loss = _loss(logits, b.Targets).Item();
            samples += b.Count;
            lossSum += loss * b.Count;
            if (metrics is not null) foreach (var m in metrics) m.Update(logits, b.Targets);
            classification &= CountsAccuracy && IsClassification(logits, b.Targets) && (classes == 0 || classes == logits.Shape[1]);
            if (!classification) return;
            classes = logits.Shape[1];
            correct += RunningAccuracy.CountCorrect(logits, b.Targets);
            scores?.AddRange(logits.ToDoubleArray());
            labels?.AddRange(b.Targets.ToIntArray());
        });
        if (!completed) return null;
        if (samples == 0) throw new ArgumentException("Evaluation data set is empty.", nameof(data));
        return new EvalResult(lossSum / samples, classification ? (double)correct / samples : null,
            classification ? scores?.ToArray() : null, classes, classification ? labels?.ToArray() : null);
    }

    /// <summary>Runs the model over <paramref name="data"/> in order, in eval mode under NoGrad; false when cancelled.</summary>
    private bool ForEachEvalBatch(IDataset data, int batchSize, CancellationToken ct, Action<Batch, Tensor> onBatch)
    {
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), $"Evaluation batch size must be >= 1, got {batchSize}.");
        bool wasTraining = Model.IsTraining;
        Model.Eval();
        try
        {
            using var _ = new NoGrad();
            using var loader = new DataLoader(data, new DataLoaderOptions(batchSize, Shuffle: false));
            foreach (var b in loader)
            {
                if (ct.IsCancellationRequested) return false;
                using var scope = _pool.BeginScope();
                onBatch(b, Output(b));
            }
            return true;
        }
        finally
        {
            Model.Train(wasTraining);
        }
    }
}
