using System.Runtime.InteropServices;
using Lepton.Data;
using Lepton.Training.Metrics;
using Lepton.Training.Tasks;

namespace Lepton.Training;

public sealed partial class Trainer
{
    /// <summary>
    /// The task's evaluation of the model on <paramref name="data"/> in eval mode: a <see cref="ClassificationReport"/>
    /// (multiclass, also when the trainer has no task), <see cref="BinaryReport"/>, <see cref="MultiLabelReport"/> or
    /// <see cref="RegressionReport"/>, each with the mean loss.
    /// </summary>
    public ITaskReport EvaluateTask(IDataset data, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(data);
        var task = Task ?? new MulticlassTask();
        var outputs = new List<float>();
        var targets = new List<float>();
        int width = 0;
        double lossSum = 0;
        long samples = 0;
        ForEachEvalBatch(data, batchSize, CancellationToken.None, (b, o) =>
        {
            lossSum += _loss(o, b.Targets).Item() * b.Count;
            samples += b.Count;
            int k = o.Rank == 2 ? o.Shape[1] : 1;
            if (width != 0 && k != width)
                throw new InvalidOperationException($"EvaluateTask ({task.Name}): the model gave {width} outputs per example, then {k}.");
            width = k;
            outputs.AddRange(o.ToArray());
            targets.AddRange(b.Targets.ToArray());
        });
        if (samples == 0) throw new ArgumentException($"EvaluateTask ({task.Name}): the evaluation set is empty.", nameof(data));
        return task.Report(CollectionsMarshal.AsSpan(outputs), width, CollectionsMarshal.AsSpan(targets), data.ClassNames, lossSum / samples);
    }
}
