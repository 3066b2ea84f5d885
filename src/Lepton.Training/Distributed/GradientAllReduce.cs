using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.NN;

namespace Lepton.Training.Distributed;

/// <summary>What every rank learned from one step's all-reduce: the same answer on all of them.</summary>
public readonly record struct StepAgreement(bool LossFiniteEverywhere, bool CancelRequested);

/// <summary>
/// Averages one step's gradients over the ranks: each rank's gradient (a mean over its part of the global batch) is
/// weighted by its share of the global batch, packed into one flat buffer, summed by all-reduce in buckets of about
/// <see cref="BucketBytes"/> and written back. Our autograd has no per-parameter hook and planned steps run their backward
/// as one call, so the buckets go after the backward pass, not overlapped with it. A tail on the last bucket carries,
/// per parameter, whether a rank had its gradient, plus a non-finite-loss flag and a cancel flag, so every rank takes
/// the same decision without another round trip.
/// </summary>
public sealed class GradientAllReduce
{
    /// <summary>Default bucket size, as PyTorch DDP's bucket_cap_mb = 25 is meant for GPUs; a few MB suits CPUs and TCP.</summary>
    public const int DefaultBucketBytes = 4 << 20;

    private readonly ICommunicator _comm;
    private readonly Parameter[] _parameters;
    private readonly long[] _offsets;
    private readonly float[] _flat;
    private readonly int _tail;
    private readonly int _bucketElements;

    public GradientAllReduce(ICommunicator communicator, IReadOnlyList<Parameter> parameters, int bucketBytes = DefaultBucketBytes)
    {
        ArgumentNullException.ThrowIfNull(communicator);
        ArgumentNullException.ThrowIfNull(parameters);
        if (bucketBytes < sizeof(float))
            throw new ArgumentOutOfRangeException(nameof(bucketBytes), $"GradientAllReduce: bucketBytes must be >= 4, got {bucketBytes}.");
        foreach (var p in parameters)
            if (p.Value.DType != DType.Float32)
                throw new ArgumentException($"GradientAllReduce: parameter '{p.Name}' is {p.Value.DType}; distributed training averages Float32 parameters only.", nameof(parameters));
        _comm = communicator;
        _parameters = [.. parameters];
        _offsets = new long[_parameters.Length + 1];
        for (int i = 0; i < _parameters.Length; i++) _offsets[i + 1] = _offsets[i] + _parameters[i].Numel;
        _tail = checked((int)_offsets[^1]);
        _flat = new float[_tail + _parameters.Length + 2];
        BucketBytes = bucketBytes;
        _bucketElements = bucketBytes / sizeof(float);
    }

    public int BucketBytes { get; }

    public ICommunicator Communicator => _comm;

    /// <summary>Buckets per step (the tail rides on the last one).</summary>
    public int BucketCount => Math.Max(1, (_flat.Length + _bucketElements - 1) / _bucketElements);

    /// <summary>Floats sent per step: every gradient element plus the tail.</summary>
    public int ElementsPerStep => _flat.Length;

    /// <summary>
    /// Replaces each gradient in <paramref name="grads"/> by the sum over ranks of <paramref name="weight"/> times it
    /// (weight = this rank's examples / the global batch's examples makes it the global mean); a parameter no rank has a
    /// gradient for stays without one. Every rank must call this once per step.
    /// </summary>
    public StepAgreement Run(GradStore grads, double weight, bool lossFinite, bool cancel)
    {
        ArgumentNullException.ThrowIfNull(grads);
        var flat = _flat.AsSpan();
        float w = (float)weight;
        for (int i = 0; i < _parameters.Length; i++)
        {
            var dst = flat[(int)_offsets[i]..(int)_offsets[i + 1]];
            var g = grads[_parameters[i].Value];
            if (g is null)
            {
                dst.Clear();
                flat[_tail + i] = 0;
                continue;
            }
            var src = g.Contiguous().Span<float>();
            if (w == 1f) src.CopyTo(dst);
            else for (int k = 0; k < dst.Length; k++) dst[k] = src[k] * w;
            flat[_tail + i] = 1;
        }
        flat[^2] = lossFinite ? 0 : 1;
        flat[^1] = cancel ? 1 : 0;

        // Buckets from the end: the last layers' gradients, which a hooked backward would produce first, go first.
        for (int end = flat.Length; end > 0; end -= _bucketElements)
        {
            int start = Math.Max(0, end - _bucketElements);
            _comm.AllReduceSum(flat[start..end]);
        }

        // Written back only after every bucket is summed: two parameters may share one gradient tensor.
        for (int i = 0; i < _parameters.Length; i++)
        {
            var p = _parameters[i].Value;
            var src = flat[(int)_offsets[i]..(int)_offsets[i + 1]];
            var g = grads[p];
            if (flat[_tail + i] == 0)
            {
                if (g is not null) grads.Remove(p);
                continue;
            }
            if (g is not null && g.IsContiguous && !g.Storage.IsReadOnly && g.DType == DType.Float32) src.CopyTo(g.Span<float>());
            else
            {
                var fresh = Tensor.Zeros(p.Shape);
                src.CopyTo(fresh.Span<float>());
                grads.Set(p, fresh);
            }
        }
        return new StepAgreement(LossFiniteEverywhere: flat[^2] == 0, CancelRequested: flat[^1] > 0);
    }

    /// <summary>Makes every rank's parameters (and buffers, such as BatchNorm statistics) rank <paramref name="root"/>'s.</summary>
    public static void BroadcastState(ICommunicator communicator, Module model, int root = 0)
    {
        ArgumentNullException.ThrowIfNull(communicator);
        ArgumentNullException.ThrowIfNull(model);
        if (communicator.Size == 1) return;
        using var _ = new NoGrad();
        foreach (var t in model.Parameters().Select(p => p.Value).Concat(model.NamedBuffers().Select(b => b.Buffer)))
        {
            switch (t.DType)
            {
                case DType.Float32: BroadcastInPlace<float>(t, communicator.Broadcast, root); break;
                case DType.Float64: BroadcastInPlace<double>(t, communicator.Broadcast, root); break;
                default:
                    // Counters such as num_batches_tracked: integers, exact in a double below 2^53.
                    var values = t.ToDoubleArray();
                    communicator.Broadcast(values, root);
                    // FromArray with no dimensions means a vector; Reshape gives a scalar buffer its shape ().
                    t.CopyFrom(Tensor.FromArray(values, values.Length).Reshape(t.Shape.ToArray()));
                    break;
            }
        }
    }

    private delegate void Broadcaster<T>(Span<T> values, int root);

    private static void BroadcastInPlace<T>(Tensor t, Broadcaster<T> broadcast, int root) where T : unmanaged
    {
        if (t.IsContiguous)
        {
            broadcast(t.Span<T>(), root);
            return;
        }
        var dense = t.Contiguous();
        broadcast(dense.Span<T>(), root);
        t.CopyFrom(dense);
    }
}
