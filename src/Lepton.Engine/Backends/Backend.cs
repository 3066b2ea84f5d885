namespace Lepton.Engine.Backends;

/// <summary>Which <see cref="IKernelBackend"/> layers use: the CPU one unless a test or a device backend sets another.</summary>
internal static class Backend
{
    private static volatile IKernelBackend _current = CpuBackend.Instance;

    /// <summary>The backend planned layers call; set it before planning a step, not while one runs.</summary>
    public static IKernelBackend Current
    {
        get => _current;
        set => _current = value ?? throw new ArgumentNullException(nameof(value), "Backend.Current needs a backend; use CpuBackend.Instance for the default.");
    }
}
