using Lepton.Engine.Threading;

namespace Lepton.NN.Planned;

/// <summary>
/// A planned layer whose forward and backward are elementwise passes over its buffers, split across the kernel threads
/// from the size at which the engine's elementwise kernels split (so large layers use both cores, small ones no hand-off).
/// </summary>
internal abstract class PlannedElementwise : PlannedLayer
{
    // Below this, a second thread costs more in hand-off than the loop (as the elementwise kernels decide).
    private const int ParallelMinElements = 1 << 18;
    private readonly Action<int, int> _forward, _backward;

    protected PlannedElementwise(Module layer) : base(layer)
    {
        // Made once: a step then hands the kernel threads no new delegate.
        _forward = ForwardRange;
        _backward = BackwardRange;
    }

    public sealed override void Forward() => Run(_forward);

    public sealed override void Backward() => Run(_backward);

    /// <summary>Y from X over elements [start, end).</summary>
    protected abstract void ForwardRange(int start, int end);

    /// <summary>GX from GY (and X, Y) over elements [start, end).</summary>
    protected abstract void BackwardRange(int start, int end);

    private void Run(Action<int, int> range)
    {
        int n = Y.Numel;
        if (n < ParallelMinElements) range(0, n);
        else CpuParallel.For(n, 1, range);
    }
}
