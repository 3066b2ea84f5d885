namespace Lepton.Training.Distributed;

/// <summary>
/// MPI_COMM_WORLD of Open MPI, for processes started by <c>mpirun</c>. Errors are returned rather than fatal, so a failed
/// collective (a rank died) surfaces as a <see cref="CommunicatorException"/> naming the call instead of a silent abort.
/// Dispose finalizes MPI; one instance per process.
/// </summary>
public sealed class MpiCommunicator : ICommunicator
{
    // MPI counts are C ints: buffers longer than this go in pieces.
    private const int MaxCount = int.MaxValue / 2;
    private static int s_created;
    private readonly MpiNative.Handles _h;
    private bool _disposed;

    private MpiCommunicator(MpiNative.Handles handles, int rank, int size)
    {
        _h = handles;
        Rank = rank;
        Size = size;
    }

    public int Rank { get; }

    public int Size { get; }

    /// <summary>Initializes MPI (thread level SERIALIZED) and joins MPI_COMM_WORLD; throws when libmpi.so.40 cannot be loaded.</summary>
    public static MpiCommunicator Initialize()
    {
        if (Interlocked.Exchange(ref s_created, 1) == 1)
            throw new InvalidOperationException("MpiCommunicator.Initialize: MPI is initialized once per process; keep and share the first communicator.");
        MpiNative.Handles h;
        try
        {
            h = MpiNative.Symbols;
        }
        catch (DllNotFoundException ex)
        {
            Interlocked.Exchange(ref s_created, 0);
            throw new InvalidOperationException($"--distributed needs Open MPI's {MpiNative.Library}, which could not be loaded ({ex.Message}). Install it: apt-get install openmpi-bin libopenmpi3.", ex);
        }
        Check(MpiNative.InitThread(IntPtr.Zero, IntPtr.Zero, MpiNative.ThreadSerialized, out int provided), "MPI_Init_thread");
        if (provided < MpiNative.ThreadSerialized)
            throw new CommunicatorException($"MPI_Init_thread: this Open MPI provides thread level {provided}, Lepton needs MPI_THREAD_SERIALIZED (2).");
        Check(MpiNative.CommSetErrhandler(h.CommWorld, h.ErrorsReturn), "MPI_Comm_set_errhandler");
        Check(MpiNative.CommRank(h.CommWorld, out int rank), "MPI_Comm_rank");
        Check(MpiNative.CommSize(h.CommWorld, out int size), "MPI_Comm_size");
        return new MpiCommunicator(h, rank, size);
    }

    public unsafe void AllReduceSum(Span<float> values)
    {
        ThrowIfDisposed();
        for (int start = 0; start < values.Length; start += MaxCount)
        {
            int count = Math.Min(MaxCount, values.Length - start);
            fixed (float* p = values.Slice(start, count))
                Check(MpiNative.Allreduce(MpiNative.InPlace, p, count, _h.Float, _h.Sum, _h.CommWorld), "MPI_Allreduce");
        }
    }

    public unsafe void AllReduceSum(Span<double> values)
    {
        ThrowIfDisposed();
        for (int start = 0; start < values.Length; start += MaxCount)
        {
            int count = Math.Min(MaxCount, values.Length - start);
            fixed (double* p = values.Slice(start, count))
                Check(MpiNative.Allreduce(MpiNative.InPlace, p, count, _h.Double, _h.Sum, _h.CommWorld), "MPI_Allreduce");
        }
    }

    public unsafe void Broadcast(Span<float> values, int root = 0)
    {
        ThrowIfDisposed();
        CheckRoot(root);
        for (int start = 0; start < values.Length; start += MaxCount)
        {
            int count = Math.Min(MaxCount, values.Length - start);
            fixed (float* p = values.Slice(start, count))
                Check(MpiNative.Bcast(p, count, _h.Float, root, _h.CommWorld), "MPI_Bcast");
        }
    }

    public unsafe void Broadcast(Span<double> values, int root = 0)
    {
        ThrowIfDisposed();
        CheckRoot(root);
        for (int start = 0; start < values.Length; start += MaxCount)
        {
            int count = Math.Min(MaxCount, values.Length - start);
            fixed (double* p = values.Slice(start, count))
                Check(MpiNative.Bcast(p, count, _h.Double, root, _h.CommWorld), "MPI_Bcast");
        }
    }

    public void Barrier()
    {
        ThrowIfDisposed();
        Check(MpiNative.Barrier(_h.CommWorld), "MPI_Barrier");
    }

    /// <summary>Ends every rank of the job at once (MPI_Abort), for a rank that cannot go on and must not leave the others waiting.</summary>
    public void Abort(int exitCode)
    {
        if (!_disposed) MpiNative.Abort(_h.CommWorld, exitCode);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (MpiNative.Finalized(out int done) == MpiNative.Success && done == 0) MpiNative.Finalize();
    }

    private void CheckRoot(int root)
    {
        if (root < 0 || root >= Size)
            throw new ArgumentOutOfRangeException(nameof(root), $"Broadcast: root must be a rank in [0, {Size - 1}], got {root}.");
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    private static void Check(int code, string call)
    {
        if (code != MpiNative.Success)
            throw new CommunicatorException($"{call} failed: {MpiNative.Describe(code)}. Another rank probably died; the last complete checkpoint is intact, rerun with --resume.");
    }
}

/// <summary>A collective failed: usually another rank died or the network between ranks broke.</summary>
public sealed class CommunicatorException(string message) : Exception(message);
