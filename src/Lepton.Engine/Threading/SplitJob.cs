namespace Lepton.Engine.Threading;

/// <summary>
/// A kernel's split loop with its arguments in fields: one instance per thread is reused call after call, so a call
/// hands <see cref="CpuParallel.For"/> a delegate made once instead of allocating a new closure.
/// </summary>
internal abstract class SplitJob
{
    protected SplitJob() => Body = Run;

    /// <summary>The delegate to pass to <see cref="CpuParallel.For"/>; it calls <see cref="Run"/>.</summary>
    public Action<int, int> Body { get; }

    protected abstract void Run(int start, int end);
}
