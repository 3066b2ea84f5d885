namespace Lepton.Training.Distributed;

/// <summary>The communicator of a process alone (size 1): every collective leaves the values as they are.</summary>
public sealed class SingleProcessCommunicator : ICommunicator
{
    public static SingleProcessCommunicator Instance { get; } = new();

    public int Rank => 0;

    public int Size => 1;

    public void AllReduceSum(Span<float> values) { }

    public void AllReduceSum(Span<double> values) { }

    public void Broadcast(Span<float> values, int root = 0) => CheckRoot(root);

    public void Broadcast(Span<double> values, int root = 0) => CheckRoot(root);

    public void Barrier() { }

    public void Dispose() { }

    private static void CheckRoot(int root)
    {
        if (root != 0) throw new ArgumentOutOfRangeException(nameof(root), $"Broadcast: root must be 0 in a single process, got {root}.");
    }
}
