using System.Diagnostics;
using Lepton.Data;
using Lepton.Engine;
using Lepton.Engine.Memory;
using Lepton.Training.Callbacks;
using Lepton.Training.Metrics;

namespace Lepton.Training;

public sealed partial class Trainer
{
    /// <summary>One epoch of training then validation; null when cancelled or stopped mid-epoch.</summary>
    private EpochRecord? RunEpoch(int epoch, DataLoader loader, IDataset? validation, FitOptions options, List<IMetric> metrics,
        List<ICallback> callbacks, TrainContext ctx, ref long globalStep, CancellationToken ct)
    {
        Model.Train();
        loader.SetEpoch(epoch - 1);
        foreach (var cb in callbacks) cb.OnEpochBegin(ctx, epoch);
        var clock = Stopwatch.StartNew();
        double lossSum = 0;
        int samples = 0;
        long correct = 0;
        bool classification = CountsAccuracy;
        var accuracyMetric = metrics.Find(m => m.Name == "accuracy");
        ResetAll(metrics);
        int batch = 0;
        var parameters = Optimizer.Parameters.Select(p => p.Value).ToArray();
        foreach (var b in loader)
        {
            if (_averager is null && ct.IsCancellationRequested) return null;
            batch++;
            foreach (var cb in callbacks) cb.OnBatchBegin(ctx, epoch, batch, globalStep);
            double lossValue;
            int n = b.Count;
            // Activations, gradients and kernel outputs of the step come from the pool and go back to it at the
            // end of the step, so a steady-state step allocates no new buffers.
            using (_pool.BeginScope())
            {
                // A planned step (a chain of layers classifying with the default cross-entropy) runs the same kernels over buffers made
                // once; any other model records its ops and backpropagates through them.
                var plan = PlanFor(b);
                Tensor? logits = null, loss = null;
                if (plan is not null)
                {
                    lossValue = plan.Run(b.Inputs, b.Targets);
                    ctx.History.PlannedSteps++;
                }
                else
                {
                    logits = Output(b);
                    loss = _loss(logits, b.Targets);
                    lossValue = loss.Item();
                }
                if (!double.IsFinite(lossValue) && _averager is null)
                {
                    // Stepping on a non-finite loss would poison every weight; stop with the last good ones.
                    ctx.History.StoppedEarly = true;
                    ctx.History.StopReason = $"loss became {lossValue} at epoch {epoch}, batch {batch}; lower the learning rate or set ClipGradNorm";
                    return null;
                }
                var grads = plan?.Gradients ?? loss!.Backward();
                if (_averager is not null)
                {
                    var agreed = _averager.Run(grads, (double)n / _shard!.GlobalBatchCount(batch - 1), double.IsFinite(lossValue), ct.IsCancellationRequested);
                    if (!agreed.LossFiniteEverywhere)
                    {
                        ctx.History.StoppedEarly = true;
                        ctx.History.StopReason = $"loss became non-finite on some rank at epoch {epoch}, batch {batch}; lower the learning rate or set ClipGradNorm";
                        return null;
                    }
                    if (agreed.CancelRequested) return null;
                }
                if (options.ClipGradNorm is { } maxNorm) GradientClipping.ClipByGlobalNorm(grads, maxNorm, parameters);
                Optimizer.Step(grads);
                if (plan is not null) correct += plan.CountCorrect();
                else if (classification)
                {
                    classification &= IsClassification(logits!, b.Targets);
                    if (classification) correct += RunningAccuracy.CountCorrect(logits!, b.Targets);
                }
                if (metrics.Count > 0)
                {
                    // The step's outputs before the update, as Keras reports training metrics.
                    var outputs = plan?.Logits ?? logits!;
                    foreach (var m in metrics) m.Update(outputs, b.Targets);
                }
            }
            globalStep++;
            samples += n;
            lossSum += lossValue * n;
            if (options.LogEvery > 0 && (batch % options.LogEvery == 0 || batch == loader.BatchCount))
            {
                var m = new BatchMetrics(epoch, batch, loader.BatchCount, lossValue, lossSum / samples,
                    classification ? (double)correct / samples : accuracyMetric?.Compute(), samples / Math.Max(clock.Elapsed.TotalSeconds, 1e-9),
                    Optimizer.LearningRate, samples, clock.Elapsed);
                foreach (var cb in callbacks) cb.OnBatchEnd(ctx, m);
            }
        }
        if (_averager is not null) (lossSum, samples, correct) = SumOverRanks(lossSum, samples, correct);
        var trainTime = clock.Elapsed;
        var named = new Dictionary<string, double>(StringComparer.Ordinal);
        double? metricAcc = Collect(metrics, "", named);
        double? trainAcc = classification ? (double)correct / samples : metricAcc;
        double? valLoss = null, valAcc = null;
        // Keras's validation_freq: skipped epochs record no validation values; the last epoch is always validated.
        if (validation is not null && (epoch % options.ValidationFrequency == 0 || epoch == options.Epochs))
        {
            ResetAll(metrics);
            // Cancelling one rank here would leave the others waiting at the next step.
            var v = _averager is not null && metrics.Count == 0 && validation.Count >= _averager.Communicator.Size
                ? EvaluateShardsOverRanks(validation)
                : EvaluatePass(validation, Options.EvalBatchSize, collect: false, _averager is null ? ct : CancellationToken.None, metrics);
            if (v is null) return null;
            valLoss = v.Loss;
            double? valMetricAcc = Collect(metrics, "val_", named);
            valAcc = v.Accuracy ?? valMetricAcc;
        }
        return new EpochRecord(epoch, lossSum / samples, trainAcc, valLoss, valAcc,
            Optimizer.LearningRate, clock.Elapsed, samples / Math.Max(trainTime.TotalSeconds, 1e-9), samples) { Metrics = named };
    }

    private static bool IsClassification(Tensor logits, Tensor targets) =>
        targets.DType == DType.Int32 && targets.Rank == 1 && logits.Rank == 2 && logits.Shape[0] == targets.Shape[0];
}
