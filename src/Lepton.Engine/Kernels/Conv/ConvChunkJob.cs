using System.Buffers;
using Lepton.Engine.Threading;

namespace Lepton.Engine.Kernels;

/// <summary>
/// A convolution's loop over the fixed chunks of a batch, parts taking whole chunks ([Count*p/Parts, Count*(p+1)/Parts))
/// as Conv2dKernels cuts them. Subclasses keep a call's arguments in fields and run one chunk in <see cref="RunChunk"/>;
/// kernels keep one instance per thread, so a call allocates no closure.
/// </summary>
internal abstract class ConvChunkJob : SplitJob
{
    private int _count, _parts;

    /// <summary>Runs every chunk of [0, count) over <paramref name="parts"/> parts; cost is per part (see <see cref="CpuParallel.For"/>).</summary>
    protected void RunChunks(int count, int parts, long cost)
    {
        (_count, _parts) = (count, parts);
        CpuParallel.For(parts, cost, Body);
    }

    /// <summary>Runs chunks 0..parts-1, one per thread however small (<see cref="CpuParallel.Split"/>): part p is chunk p.</summary>
    protected void RunEachPart(int parts)
    {
        (_count, _parts) = (parts, parts);
        CpuParallel.Split(parts, Body);
    }

    protected sealed override void Run(int p0, int p1)
    {
        for (int part = p0; part < p1; part++)
        for (int c = _count * part / _parts; c < _count * (part + 1) / _parts; c++)
            RunChunk(part, c);
    }

    /// <summary>Chunk <paramref name="chunk"/> on part <paramref name="part"/> (whose scratch slot it may use).</summary>
    protected abstract void RunChunk(int part, int chunk);
}

/// <summary>One pooled scratch buffer per part, held in an array kept for the next call (so renting allocates nothing).</summary>
internal sealed class ScratchSlots
{
    private float[][] _buffers = [];
    private int _rented;

    public float[] this[int part] => _buffers[part];

    public void Rent(int parts, int size)
    {
        if (_buffers.Length < parts) _buffers = new float[parts][];
        for (int p = 0; p < parts; p++) _buffers[p] = ArrayPool<float>.Shared.Rent(size);
        _rented = parts;
    }

    /// <summary>Gives the buffers back to the pool (safe to call when none are rented).</summary>
    public void Return()
    {
        for (int p = 0; p < _rented; p++)
        {
            ArrayPool<float>.Shared.Return(_buffers[p]);
            _buffers[p] = null!;
        }
        _rented = 0;
    }
}
