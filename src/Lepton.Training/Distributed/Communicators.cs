namespace Lepton.Training.Distributed;

/// <summary>Chooses the communicator of this process: MPI when started by Open MPI's <c>mpirun</c>, else a single process.</summary>
public static class Communicators
{
    /// <summary>The variable Open MPI's launcher sets in every rank's environment.</summary>
    public const string WorldSizeVariable = "OMPI_COMM_WORLD_SIZE";

    /// <summary>True when this process was started by <c>mpirun</c> (Open MPI).</summary>
    public static bool LaunchedByMpirun(Func<string, string?>? environment = null) =>
        !string.IsNullOrEmpty((environment ?? Environment.GetEnvironmentVariable)(WorldSizeVariable));

    /// <summary>
    /// An <see cref="MpiCommunicator"/> under <c>mpirun</c>, otherwise <see cref="SingleProcessCommunicator.Instance"/>
    /// (so <c>--distributed</c> without mpirun trains as one process).
    /// </summary>
    public static ICommunicator FromEnvironment(Func<string, string?>? environment = null) =>
        LaunchedByMpirun(environment) ? MpiCommunicator.Initialize() : SingleProcessCommunicator.Instance;
}
