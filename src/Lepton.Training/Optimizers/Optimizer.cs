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
    // Per parameter: named state buffers (same dtype and shape as the parameter) and its own step count,
    // since a parameter that got no gradient in some step must not advance its bias correction.
    private readonly Dictionary<string, Tensor>?[] _state;
    private readonly long[] _paramSteps;

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
            if (p.Value.DType is not (DType.Float32 or DType.Float64))
                throw new ArgumentException($"{GetType().Name}: parameter '{p.Name}' has dtype {p.Value.DType}; only Float32 and Float64 parameters can be optimized.");
        }
        if (!(learningRate >= 0)) throw new ArgumentOutOfRangeException(nameof(learningRate), $"{GetType().Name}: learning rate must be >= 0, got {learningRate}.");
        _state = new Dictionary<string, Tensor>?[_parameters.Length];
        _paramSteps = new long[_parameters.Length];
        LearningRate = learningRate;
    }

    public IReadOnlyList<Parameter> Parameters => _parameters;

    public double LearningRate { get; set; }

    public long StepCount { get; private set; }

    /// <summary>Names of the per-parameter state buffers this optimizer keeps (e.g. <c>exp_avg</c>).</summary>
    protected abstract IReadOnlyList<string> StateNames { get; }

    public void Step(GradStore grads)
    {
        ArgumentNullException.ThrowIfNull(grads);
        StepCount++;
        for (int i = 0; i < _parameters.Length; i++)
        {
            var p = _parameters[i];
            if (!p.Trainable) continue;
            var g = grads[p.Value];
            if (g is null) continue;
            if (g.Shape != p.Shape)
                throw new InvalidOperationException($"{GetType().Name}.Step: gradient of '{p.Name}' has shape {g.Shape}, parameter has {p.Shape}.");
            // Gradients never require grad, so these conversions record nothing.
            if (g.DType != p.Value.DType) g = g.To(p.Value.DType);
            g = g.Contiguous();
            var state = _state[i] ??= AllocateState(p);
            long step = ++_paramSteps[i];
            int n = p.Numel;
            if (n < ParallelThreshold || CpuParallel.ThreadCount == 1)
                UpdateRange(p.Value, g, state, step, 0, n);
            else
                // Element-wise updates: any split gives bit-identical results.
                CpuParallel.For(n, 1, (lo, hi) => UpdateRange(p.Value, g, state, step, lo, hi));
        }
    }

    private const int ParallelThreshold = 1 << 15;

    private void UpdateRange(Tensor param, Tensor grad, Dictionary<string, Tensor> state, long step, int lo, int hi)
    {
        if (param.DType == DType.Float32)
            Update(param.Span<float>()[lo..hi], grad.Span<float>()[lo..hi], new StateSpans<float>(state, StateNames, lo, hi - lo), step);
        else
            Update(param.Span<double>()[lo..hi], grad.Span<double>()[lo..hi], new StateSpans<double>(state, StateNames, lo, hi - lo), step);
    }

    /// <summary>
    /// The update for one parameter. <paramref name="step"/> counts this parameter's updates from 1.
    /// Arithmetic is done in double and rounded once per stored value.
    /// </summary>
    protected abstract void Update<T>(Span<T> param, ReadOnlySpan<T> grad, StateSpans<T> state, long step)
        where T : unmanaged, IFloatingPointIeee754<T>;

    private Dictionary<string, Tensor> AllocateState(Parameter p)
    {
        var d = new Dictionary<string, Tensor>(StateNames.Count);
        foreach (var n in StateNames) d[n] = Tensor.Zeros(p.Shape, p.Value.DType);
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
            foreach (var (n, t) in s) d[$"state.{i}.{n}"] = t.Clone();
        }
        return d;
    }

    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!state.TryGetValue("step", out var step))
            throw new InvalidDataException($"{GetType().Name}.LoadStateDict: missing 'step'; was this state written by an optimizer?");
        var restored = new Dictionary<string, Tensor>?[_parameters.Length];
        var steps = new long[_parameters.Length];
        for (int i = 0; i < _parameters.Length; i++)
        {
            if (!state.TryGetValue($"state.{i}.step", out var ps)) continue;
            steps[i] = (long)ps.ToDoubleArray()[0];
            var d = new Dictionary<string, Tensor>();
            foreach (var n in StateNames)
            {
                if (!state.TryGetValue($"state.{i}.{n}", out var t))
                    throw new InvalidDataException($"{GetType().Name}.LoadStateDict: missing 'state.{i}.{n}' for parameter '{_parameters[i].Name}'.");
                if (t.Shape != _parameters[i].Shape)
                    throw new InvalidDataException($"{GetType().Name}.LoadStateDict: 'state.{i}.{n}' has shape {t.Shape}, parameter '{_parameters[i].Name}' has {_parameters[i].Shape}.");
                d[n] = t.To(_parameters[i].Value.DType).Clone();
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
    private readonly Dictionary<string, Tensor> _state;
    private readonly IReadOnlyList<string> _names;
    private readonly int _start;
    private readonly int _length;

    internal StateSpans(Dictionary<string, Tensor> state, IReadOnlyList<string> names, int start, int length)
    {
        _state = state;
        _names = names;
        _start = start;
        _length = length;
    }

    /// <summary>The part of state buffer <paramref name="index"/> that matches the parameter range being updated.</summary>
    public Span<T> this[int index] => _state[_names[index]].Span<T>().Slice(_start, _length);
}
