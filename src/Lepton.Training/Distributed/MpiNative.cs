using System.Runtime.InteropServices;

namespace Lepton.Training.Distributed;

/// <summary>
/// Open MPI's C API by P/Invoke (libmpi.so.40, Debian's openmpi-bin/libopenmpi3). Open MPI's handles (MPI_COMM_WORLD,
/// MPI_FLOAT, MPI_SUM, ...) are the addresses of exported globals, read once with <see cref="NativeLibrary.GetExport"/>.
/// Written by hand because MPI.NET targets .NET Framework-era runtimes and ships its own native shim.
/// </summary>
internal static partial class MpiNative
{
    public const string Library = "libmpi.so.40";

    public const int Success = 0;

    // MPI_THREAD_SERIALIZED in Open MPI's enum: calls may come from any thread, one at a time (async code hops threads).
    public const int ThreadSerialized = 2;

    // Open MPI defines MPI_IN_PLACE as ((void *) 1).
    public static readonly IntPtr InPlace = 1;

    private static readonly Lazy<Handles> s_handles = new(LoadHandles);

    public static Handles Symbols => s_handles.Value;

    /// <summary>Addresses of Open MPI's predefined objects.</summary>
    public sealed record Handles(IntPtr CommWorld, IntPtr Float, IntPtr Double, IntPtr Sum, IntPtr ErrorsReturn);

    private static Handles LoadHandles()
    {
        var lib = NativeLibrary.Load(Library);
        return new Handles(
            NativeLibrary.GetExport(lib, "ompi_mpi_comm_world"),
            NativeLibrary.GetExport(lib, "ompi_mpi_float"),
            NativeLibrary.GetExport(lib, "ompi_mpi_double"),
            NativeLibrary.GetExport(lib, "ompi_mpi_op_sum"),
            NativeLibrary.GetExport(lib, "ompi_mpi_errors_return"));
    }

    [LibraryImport(Library, EntryPoint = "MPI_Init_thread")]
    public static partial int InitThread(IntPtr argc, IntPtr argv, int required, out int provided);

    [LibraryImport(Library, EntryPoint = "MPI_Initialized")]
    public static partial int Initialized(out int flag);

    [LibraryImport(Library, EntryPoint = "MPI_Finalized")]
    public static partial int Finalized(out int flag);

    [LibraryImport(Library, EntryPoint = "MPI_Finalize")]
    public static partial int Finalize();

    [LibraryImport(Library, EntryPoint = "MPI_Abort")]
    public static partial int Abort(IntPtr comm, int errorCode);

    [LibraryImport(Library, EntryPoint = "MPI_Comm_rank")]
    public static partial int CommRank(IntPtr comm, out int rank);

    [LibraryImport(Library, EntryPoint = "MPI_Comm_size")]
    public static partial int CommSize(IntPtr comm, out int size);

    [LibraryImport(Library, EntryPoint = "MPI_Comm_set_errhandler")]
    public static partial int CommSetErrhandler(IntPtr comm, IntPtr handler);

    [LibraryImport(Library, EntryPoint = "MPI_Allreduce")]
    public static unsafe partial int Allreduce(IntPtr sendBuffer, void* receiveBuffer, int count, IntPtr datatype, IntPtr op, IntPtr comm);

    [LibraryImport(Library, EntryPoint = "MPI_Bcast")]
    public static unsafe partial int Bcast(void* buffer, int count, IntPtr datatype, int root, IntPtr comm);

    [LibraryImport(Library, EntryPoint = "MPI_Barrier")]
    public static partial int Barrier(IntPtr comm);

    [LibraryImport(Library, EntryPoint = "MPI_Error_string")]
    public static unsafe partial int ErrorString(int code, byte* text, out int length);

    /// <summary>Open MPI's text for an error code (MPI_MAX_ERROR_STRING is 256).</summary>
    public static unsafe string Describe(int code)
    {
        byte* text = stackalloc byte[256];
        return ErrorString(code, text, out int length) == Success ? System.Text.Encoding.UTF8.GetString(text, Math.Clamp(length, 0, 256)) : $"MPI error {code}";
    }
}
