using System.Runtime.InteropServices;
using Lepton.Training.Workflows;

namespace Lepton.Training.Distributed;

/// <summary>
/// What a rank prints when mpirun ends it. Once one rank dies, mpirun sends SIGTERM to every other rank and SIGKILL soon
/// after; those ranks are blocked in a collective that will never complete, so the notice is written from the signal
/// handler at once: which checkpoint survived and how to finish the run.
/// </summary>
public static class RankStopNotice
{
    /// <summary>The notice for rank <paramref name="rank"/> of <paramref name="size"/> training into <paramref name="outDir"/>.</summary>
    public static string Message(int rank, int size, string outDir)
    {
        string saved = TrainingResume.SavedEpoch(outDir) is { } epoch
            ? $"The last complete checkpoint, epoch {epoch}, is intact in {outDir}: rerun the same command with --resume to finish the run."
            : $"No epoch was checkpointed yet in {outDir}: rerun the same command without --resume.";
        return $"lepton train: rank {rank} of {size} was stopped by mpirun: another rank died or was killed, or the job was interrupted. {saved}";
    }

    /// <summary>
    /// Writes <see cref="Message"/> to <paramref name="writer"/> (default stderr) when this process gets SIGTERM; null for a
    /// single process, which stops through its cancellation token instead. Dispose to unregister.
    /// </summary>
    public static IDisposable? Register(ICommunicator communicator, string outDir, TextWriter? writer = null)
    {
        ArgumentNullException.ThrowIfNull(communicator);
        if (communicator.Size == 1) return null;
        var (rank, size) = (communicator.Rank, communicator.Size);
        return PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => (writer ?? Console.Error).WriteLine(Message(rank, size, outDir)));
    }
}
