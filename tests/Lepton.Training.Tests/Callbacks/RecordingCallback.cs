using Lepton.Training.Callbacks;

namespace Lepton.Training.Tests.Callbacks;

/// <summary>Records every hook call in order and optionally acts on batch ends.</summary>
internal sealed class RecordingCallback(Action<BatchMetrics, int>? onBatch = null) : ICallback
{
    public List<string> Calls { get; } = [];

    public int Batches { get; private set; }

    public Dictionary<int, float[]> WeightsAtEpochEnd { get; } = [];

    public void OnTrainBegin(TrainContext context) => Calls.Add("train_begin");

    public void OnEpochBegin(TrainContext context, int epoch) => Calls.Add($"epoch_begin {epoch}");

    public void OnBatchEnd(TrainContext context, BatchMetrics metrics)
    {
        Batches++;
        onBatch?.Invoke(metrics, Batches);
    }

    public void OnEpochEnd(TrainContext context, EpochRecord record)
    {
        Calls.Add($"epoch_end {record.Epoch}");
        WeightsAtEpochEnd[record.Epoch] = ToyModels.Weights(context.Model);
    }

    public void OnTrainEnd(TrainContext context, TrainingHistory history) => Calls.Add("train_end");
}
