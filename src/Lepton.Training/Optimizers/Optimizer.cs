using System.Numerics;
using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.Engine.Threading;
using Lepton.NN;

namespace Lepton.Training.Optimizers;

/// <summary>
/// Shared step loop: finds each trainable parameter's gradient, checks it, and hands dense spans to
/// the per-element update of the concrete optimizer. State buffers are allocated on first use.
/// </summary>
public abstract class Optimizer : IOptimizer
{
    private readonly Parameter[] _parameters;
    // Per parameter: its state buffers in StateNames order (same dtype and shape as the parameter) and its own step
    // count, since a parameter that got no gradient in some step must not advance its bias correction.
    private readonly Tensor[]?[] _state;
    private readonly long[] _paramSteps;
    // Per parameter: the factor on LearningRate for its group (1 unless SetLearningRateScale changed it).
    private readonly double[] _lrScale;
    // The work of the current Step, kept in fields so the parallel pass needs no closure: the parameters that got a
    // gradient (by index), their gradients, and where each starts in the concatenation of all their elements.
    private readonly int[] _work;
    private readonly Tensor?[] _workGrads;
    private readonly long[] _workStart;
    private int _workCount;
    private readonly Action<int, int> _runBlocks;

    protected Optimizer(IEnumerable<Parameter> parameters, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _parameters = parameters.ToArray();
        if (_parameters.Length == 0)
            throw new ArgumentException($"{GetType().Name} got an empty parameter list; pass model.Parameters().");
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var p in _parameters)
        {
            if (!seen.Add(p.Value))
                throw new ArgumentException($"{GetType().Name}: parameter '{p.Name}' appears twice in the parameter list.");
            if (p.Value.Storage.IsReadOnly)
                throw new ArgumentException($"{GetType().Name}: parameter '{p.Name}' is read-only (its model was prepared for inference); load a fresh copy of the model to train it.");
            if (p.Value.DType is not (DType.Float32 or DType.Float64))
                throw new ArgumentException($"{GetType().Name}: parameter '{p.Name}' has dtype {p.Value.DType}; only Float32 and Float64 parameters can be optimized.");
        }
        if (!(learningRate >= 0)) throw new ArgumentOutOfRangeException(nameof(learningRate), $"{GetType().Name}: learning rate must be >= 0, got {learningRate}.");
        _state = new Tensor[]?[_parameters.Length];
        _paramSteps = new long[_parameters.Length];
        _lrScale = new double[_parameters.Length];
        Array.Fill(_lrScale, 1.0);
        _work = new int[_parameters.Length];
        _workGrads = new Tensor?[_parameters.Length];
        _workStart = new long[_parameters.Length + 1];
        _runBlocks = RunBlocks;
        LearningRate = learningRate;
    }

    public IReadOnlyList<Parameter> Parameters => _parameters;

    public double LearningRate { get; set; }

    public long StepCount { get; private set; }

    /// <summary>
    /// Puts <paramref name="group"/> in a parameter group whose learning rate is <see cref="LearningRate"/> times
    /// <paramref name="scale"/> (PyTorch's param_groups with a per-group lr; a schedule moves every group together).
    /// Transfer learning trains a pretrained backbone at 0.1 of the head's rate this way.
    /// </summary>
    public void SetLearningRateScale(IEnumerable<Parameter> group, double scale)
    {
        ArgumentNullException.ThrowIfNull(group);
        if (!(scale >= 0) || double.IsInfinity(scale))
            throw new ArgumentOutOfRangeException(nameof(scale), $"{GetType().Name}: a learning-rate scale must be >= 0 and finite, got {scale}.");
        var index = new Dictionary<Tensor, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < _parameters.Length; i++) index[_parameters[i].Value] = i;
        foreach (var p in group)
        {
            if (!index.TryGetValue(p.Value, out int i))
                throw new ArgumentException($"{GetType().Name}: parameter '{p.Name}' is not among the parameters this optimizer updates.");
            _lrScale[i] = scale;
        }
    }

    /// <summary>The factor on <see cref="LearningRate"/> for <paramref name="parameter"/>'s group (1 by default).</summary>
    public double LearningRateScale(Parameter parameter)
    {
        for (int i = 0; i < _parameters.Length; i++)
            if (ReferenceEquals(_parameters[i].Value, parameter.Value)) return _lrScale[i];
        throw new ArgumentException($"{GetType().Name}: parameter '{parameter.Name}' is not among the parameters this optimizer updates.");
    }

    /// <summary>Names of the per-parameter state buffers this optimizer keeps (e.g. <c>exp_avg</c>).</summary>
    protected abstract IReadOnlyList<string> StateNames { get; }

    public void Step(GradStore grads)
    {
        ArgumentNullException.ThrowIfNull(grads);
        StepCount++;
        _workCount = 0;
        for (int i = 0; i < _parameters.Length; i++)
        {
            var p = _parameters[i];
            if (!p.Trainable) continue;
            var g = grads[p.Value];
            if (g is null) continue;
            if (g.Shape != p.Shape)
                throw new InvalidOperationException($"{GetType().Name}.Step: gradient of '{p.Name}' has shape {g.Shape}, parameter has {p.Shape}.");
            // Checked before the message is built: a step must not allocate.
            if (p.Value.Storage.IsReadOnly) p.Value.Storage.ThrowIfReadOnly($"{GetType().Name}.Step of '{p.Name}'");
            // Gradients never require grad, so these conversions record nothing.
            if (g.DType != p.Value.DType) g = g.To(p.Value.DType);
            _state[i] ??= AllocateState(p);
            _work[_workCount] = i;
            _workGrads[_workCount] = g.Contiguous();
            _workStart[_workCount + 1] = _workStart[_workCount] + p.Numel;
            _workCount++;
        }
        // Counted only once every gradient passed the checks above, so a throwing Step leaves the bias corrections alone.
        for (int w = 0; w < _workCount; w++) ++_paramSteps[_work[w]];
        // One pass over the elements of all parameters together, cut into blocks: small parameters (biases) share a
        // thread hand-off with the large ones instead of each paying its own. The update is elementwise, so any split
        // gives bit-identical results.
        int blocks = (int)((_workStart[_workCount] + BlockElements - 1) / BlockElements);
        if (CpuParallel.ThreadCount == 1) RunBlocks(0, blocks);
        else CpuParallel.For(blocks, BlockElements * ElementCost, _runBlocks);
        Array.Clear(_workGrads, 0, _workCount);
    }

    // Blocks of the concatenated elements: a multiple of every SIMD width, small enough to balance two threads.
    private const int BlockElements = 4096;

    /// <summary>
    /// The cost of updating one element in the units of <see cref="CpuParallel.For"/> (about a plain elementwise op's
    /// per element), which decides from how many elements the update is split across threads. Adam's square root and
    /// two divisions make it about four.
    /// </summary>
    protected virtual int ElementCost => 4;

    private void RunBlocks(int firstBlock, int endBlock)
    {
        long lo = (long)firstBlock * BlockElements, hi = Math.Min((long)endBlock * BlockElements, _workStart[_workCount]);
        for (int w = 0; w < _workCount; w++)
        {
            long start = _workStart[w], end = _workStart[w + 1];
            if (end <= lo) continue;
            if (start >= hi) break;
            int from = (int)(Math.Max(lo, start) - start), to = (int)(Math.Min(hi, end) - start);
            int i = _work[w];
            UpdateRange(_parameters[i].Value, _workGrads[w]!, _state[i]!, _paramSteps[i], LearningRate * _lrScale[i], from, to);
        }
    }

    private void UpdateRange(Tensor param, Tensor grad, Tensor[] state, long step, double lr, int lo, int hi)
    {
        if (param.DType == DType.Float32)
            Update(param.Span<float>()[lo..hi], grad.Span<float>()[lo..hi], new StateSpans<float>(state, lo, hi - lo), step, lr);
        else
            Update(param.Span<double>()[lo..hi], grad.Span<double>()[lo..hi], new StateSpans<double>(state, lo, hi - lo), step, lr);
    }

    /// <summary>
    /// The update of a range of one parameter's elements (any range: the pass splits parameters across threads).
    /// <paramref name="step"/> counts this parameter's updates from 1. Arithmetic is in the parameter's precision,
    /// with the scalar coefficients computed in double and rounded once. <paramref name="learningRate"/> is this parameter's
    /// group's rate: <see cref="LearningRate"/> times its scale.
    /// </summary>
    protected abstract void Update<T>(Span<T> param, ReadOnlySpan<T> grad, StateSpans<T> state, long step, double learningRate)
        where T : unmanaged, IFloatingPointIeee754<T>;

    private Tensor[] AllocateState(Parameter p)
    {
        var d = new Tensor[StateNames.Count];
        // The first step may run inside a TensorScope; the moments must outlive it.
        using var unpooled = Lepton.Engine.Memory.TensorScope.Suspend();
        for (int n = 0; n < d.Length; n++) d[n] = Tensor.Zeros(p.Shape, p.Value.DType);
        return d;
    }

    /// <summary>True once the state of parameter <paramref name="index"/> was created by a first update.</summary>
    protected bool HasState(int index) => _state[index] is not null;

    public IReadOnlyDictionary<string, Tensor> StateDict()
    {
        var d = new Dictionary<string, Tensor> { ["step"] = Tensor.FromArray([(double)StepCount], 1) };
        for (int i = 0; i < _parameters.Length; i++)
        {
            if (_state[i] is not { } s) continue;
            d[$"state.{i}.step"] = Tensor.FromArray([(double)_paramSteps[i]], 1);
            for (int n = 0; n < s.Length; n++) d[$"state.{i}.{StateNames[n]}"] = s[n].Clone();
        }
        return d;
    }

    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!state.TryGetValue("step", out var step))
            throw new InvalidDataException($"{GetType().Name}.LoadStateDict: missing 'step'; was this state written by an optimizer?");
        var restored = new Tensor[]?[_parameters.Length];
        var steps = new long[_parameters.Length];
        for (int i = 0; i < _parameters.Length; i++)
        {
            if (!state.TryGetValue($"state.{i}.step", out var ps)) continue;
            steps[i] = (long)ps.ToDoubleArray()[0];
            var d = new Tensor[StateNames.Count];
            for (int k = 0; k < d.Length; k++)
            {
                string n = StateNames[k];
                if (!state.TryGetValue($"state.{i}.{n}", out var t))
                    throw new InvalidDataException($"{GetType().Name}.LoadStateDict: missing 'state.{i}.{n}' for parameter '{_parameters[i].Name}'.");
                if (t.Shape != _parameters[i].Shape)
                    throw new InvalidDataException($"{GetType().Name}.LoadStateDict: 'state.{i}.{n}' has shape {t.Shape}, parameter '{_parameters[i].Name}' has {_parameters[i].Shape}.");
                d[k] = t.To(_parameters[i].Value.DType).Clone();
            }
            restored[i] = d;
        }
        Array.Copy(restored, _state, restored.Length);
        Array.Copy(steps, _paramSteps, steps.Length);
        StepCount = (long)step.ToDoubleArray()[0];
    }
}

/// <summary>The dense spans of one parameter's state buffers, looked up by position in <c>StateNames</c>.</summary>
public readonly ref struct StateSpans<T> where T : unmanaged
{
    private readonly Tensor[] _state;
    private readonly int _start;
    private readonly int _length;

    internal StateSpans(Tensor[] state, int start, int length)
    {
        _state = state;
        _start = start;
        _length = length;
    }

    /// <summary>The part of state buffer <paramref name="index"/> that matches the parameter range being updated.</summary>
    public Span<T> this[int index] => _state[index].Span<T>().Slice(_start, _length);
}
