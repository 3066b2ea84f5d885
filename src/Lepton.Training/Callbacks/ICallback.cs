namespace Lepton.Training.Callbacks;

/// <summary>
/// Hooks into <see cref="Trainer.Fit"/>. Every method has an empty default, so a callback implements
/// only what it needs. Hooks run on the training thread between batches, never during an update.
/// </summary>
public interface ICallback
{
    void OnTrainBegin(TrainContext context) { }

    /// <summary>Before the first batch of <paramref name="epoch"/> (counting from 1).</summary>
    void OnEpochBegin(TrainContext context, int epoch) { }

    /// <summary>Before a batch's forward pass; <paramref name="globalStep"/> counts optimizer steps from 0 over the whole run.</summary>
    void OnBatchBegin(TrainContext context, int epoch, int batch, long globalStep) { }

    void OnBatchEnd(TrainContext context, BatchMetrics metrics) { }

    /// <summary>After validation of a completed epoch. Not called for an epoch interrupted by cancellation.</summary>
    void OnEpochEnd(TrainContext context, EpochRecord record) { }

    /// <summary>After the last epoch, early stop or cancellation (see <see cref="TrainingHistory.Cancelled"/>).</summary>
    void OnTrainEnd(TrainContext context, TrainingHistory history) { }

    /// <summary>When training ends with an exception; release live displays or files here. The exception is rethrown.</summary>
    void OnTrainFailed(TrainContext context, Exception error) { }
}
