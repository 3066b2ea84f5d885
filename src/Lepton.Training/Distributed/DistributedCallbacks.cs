using Lepton.Training.Callbacks;

namespace Lepton.Training.Distributed;

/// <summary>Which callbacks a rank runs: writers (checkpoints, run records, progress) run on rank 0 alone.</summary>
public static class DistributedCallbacks
{
    /// <summary>
    /// <paramref name="callbacks"/> on rank 0 (or without a communicator), none on other ranks. Only for callbacks that
    /// write or show things: a callback that changes training (early stopping, schedules, unfreezing) must run on every
    /// rank, or the ranks part ways.
    /// </summary>
    public static IReadOnlyList<ICallback> OnRankZero(ICommunicator? communicator, IReadOnlyList<ICallback> callbacks)
    {
        ArgumentNullException.ThrowIfNull(callbacks);
        return communicator is null || communicator.Rank == 0 ? callbacks : [];
    }
}
