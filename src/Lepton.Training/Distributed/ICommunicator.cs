namespace Lepton.Training.Distributed;

/// <summary>
/// The collectives data-parallel training needs among <see cref="Size"/> processes: in-place sum all-reduce, broadcast
/// from one rank, and a barrier. Every rank must make the same calls in the same order (MPI's rule).
/// </summary>
public interface ICommunicator : IDisposable
{
    /// <summary>This process's index, 0 to Size - 1; rank 0 alone records runs and writes files.</summary>
    int Rank { get; }

    /// <summary>Number of processes taking part.</summary>
    int Size { get; }

    /// <summary>Replaces <paramref name="values"/> on every rank by their element-wise sum over all ranks.</summary>
    void AllReduceSum(Span<float> values);

    /// <inheritdoc cref="AllReduceSum(Span{float})"/>
    void AllReduceSum(Span<double> values);

    /// <summary>Overwrites <paramref name="values"/> on every rank with rank <paramref name="root"/>'s values.</summary>
    void Broadcast(Span<float> values, int root = 0);

    /// <inheritdoc cref="Broadcast(Span{float}, int)"/>
    void Broadcast(Span<double> values, int root = 0);

    /// <summary>Returns once every rank has called it.</summary>
    void Barrier();
}
