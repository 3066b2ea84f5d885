using Lepton.Engine;

namespace Lepton.NN;

/// <summary>
/// A differentiable function with parameters, buffers and child modules, named like PyTorch's
/// state_dict (<c>0.weight</c>, <c>3.running_mean</c>) so weights interchange with torch.nn.
/// </summary>
public abstract class Module
{
    private readonly List<(string Name, Parameter Param)> _params = [];
    private readonly List<(string Name, Module Child)> _children = [];
    private readonly Dictionary<string, Tensor> _buffers = [];
    private readonly List<string> _bufferOrder = [];

    /// <summary>True in training mode (dropout active, batch-norm uses batch statistics).</summary>
    public bool IsTraining { get; private set; } = true;

    /// <summary>Short type name used in errors and summaries, e.g. <c>Conv2d</c>.</summary>
    public virtual string TypeName => GetType().Name;

    /// <summary>The computation. x and the result carry shapes such as (N,C,H,W).</summary>
    public abstract Tensor Forward(Tensor x);

    public Tensor Call(Tensor x) => Forward(x);

    /// <summary>How many tensors <see cref="ForwardMany"/> takes: 1 for most layers, -1 for any number from 1 up (Add, Concat).</summary>
    public virtual int InputArity => 1;

    /// <summary>How many tensors <see cref="ForwardMany"/> returns (a graph may return an output and a state).</summary>
    public virtual int OutputArity => 1;

    /// <summary>
    /// The computation over several inputs and outputs, in the order the module declares them. A one-input layer
    /// runs <see cref="Forward"/>; merge ops and graph models override this.
    /// </summary>
    public virtual IReadOnlyList<Tensor> ForwardMany(IReadOnlyList<Tensor> inputs)
    {
        if (inputs.Count != 1)
            throw new ArgumentException($"{TypeName} takes one input, got {inputs.Count}.");
        return [Forward(inputs[0])];
    }

    protected Parameter RegisterParameter(string name, Tensor value)
    {
        var p = new Parameter(value, name);
        _params.Add((name, p));
        return p;
    }

    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        _children.Add((name, module));
        return module;
    }

    /// <summary>Non-trainable state saved with the weights (e.g. running statistics).</summary>
    protected void RegisterBuffer(string name, Tensor value)
    {
        if (!_buffers.ContainsKey(name)) _bufferOrder.Add(name);
        _buffers[name] = value;
    }

    protected Tensor Buffer(string name) => _buffers[name];

    protected void SetBuffer(string name, Tensor value) => _buffers[name] = value;

    public IEnumerable<Module> Children() => _children.Select(c => c.Child);

    public IEnumerable<(string Name, Module Module)> NamedChildren() => _children;

    /// <summary>Parameters of this module and its descendants with dotted names, in registration order.</summary>
    public IEnumerable<(string Name, Parameter Parameter)> NamedParameters(string prefix = "")
    {
        foreach (var (n, p) in _params)
        {
            p.Name = prefix + n;
            p.Value.Name = p.Name;
            yield return (prefix + n, p);
        }
        foreach (var (n, c) in _children)
            foreach (var item in c.NamedParameters(prefix + n + "."))
                yield return item;
    }

    public IEnumerable<Parameter> Parameters() => NamedParameters().Select(p => p.Parameter);

    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers(string prefix = "")
    {
        foreach (var n in _bufferOrder) yield return (prefix + n, _buffers[n]);
        foreach (var (n, c) in _children)
            foreach (var item in c.NamedBuffers(prefix + n + "."))
                yield return item;
    }

    /// <summary>Total number of parameter elements.</summary>
    public long ParameterCount => Parameters().Sum(p => (long)p.Numel);

    /// <summary>Parameters and buffers by dotted name, PyTorch order (a module's own entries, then its children).</summary>
    public IReadOnlyDictionary<string, Tensor> StateDict()
    {
        var d = new Dictionary<string, Tensor>();
        Collect(this, "", d);
        return d;

        static void Collect(Module m, string prefix, Dictionary<string, Tensor> d)
        {
            foreach (var (n, p) in m._params) d[prefix + n] = p.Value;
            foreach (var n in m._bufferOrder) d[prefix + n] = m._buffers[n];
            foreach (var (n, c) in m._children) Collect(c, prefix + n + ".", d);
        }
    }

    /// <summary>
    /// Copies values into parameters and buffers by name. With <paramref name="strict"/>, missing or
    /// unexpected names are an error listing them; shapes must always match.
    /// </summary>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> state, bool strict = true)
    {
        var own = StateDict();
        if (strict)
        {
            var missing = own.Keys.Where(k => !state.ContainsKey(k)).ToList();
            var unexpected = state.Keys.Where(k => !own.ContainsKey(k)).ToList();
            if (missing.Count > 0 || unexpected.Count > 0)
                throw new InvalidDataException(
                    $"Weights do not match the architecture. Missing: [{string.Join(", ", missing)}]. Unexpected: [{string.Join(", ", unexpected)}].");
        }
        Load(this, "", state);

        static void Load(Module m, string prefix, IReadOnlyDictionary<string, Tensor> state)
        {
            foreach (var (n, p) in m._params)
            {
                if (!state.TryGetValue(prefix + n, out var v)) continue;
                if (v.Shape != p.Shape)
                    throw new InvalidDataException($"Weight '{prefix + n}' of {m.TypeName}: expected shape {p.Shape}, got {v.Shape}.");
                p.Assign(v);
            }
            foreach (var n in m._bufferOrder.ToList())
            {
                if (!state.TryGetValue(prefix + n, out var v)) continue;
                var cur = m._buffers[n];
                if (v.Shape != cur.Shape)
                    throw new InvalidDataException($"Buffer '{prefix + n}' of {m.TypeName}: expected shape {cur.Shape}, got {v.Shape}.");
                m._buffers[n] = (v.DType == cur.DType ? v : v.To(cur.DType)).Clone();
            }
            foreach (var (n, c) in m._children) Load(c, prefix + n + ".", state);
        }
    }

    /// <summary>
    /// Converts every parameter and float buffer of this module tree to <paramref name="dtype"/>
    /// (Float64 for gradient checks); integer buffers such as <c>num_batches_tracked</c> stay Int32.
    /// </summary>
    public Module To(DType dtype)
    {
        if (!dtype.IsFloat()) throw new ArgumentException($"Module.To({dtype}): parameters must be Float32 or Float64.");
        foreach (var (_, p) in _params) p.ConvertTo(dtype);
        foreach (var n in _bufferOrder)
            if (_buffers[n].DType.IsFloat()) _buffers[n] = _buffers[n].To(dtype).Clone();
        foreach (var (_, c) in _children) c.To(dtype);
        return this;
    }

    /// <summary>Training mode for this module and all descendants.</summary>
    public Module Train(bool on = true)
    {
        IsTraining = on;
        foreach (var (_, c) in _children) c.Train(on);
        return this;
    }

    /// <summary>Inference mode (dropout off, batch-norm uses running statistics).</summary>
    public Module Eval() => Train(false);

    /// <summary>
    /// Each module's own mode in this tree (pre-order), to put back with <see cref="RestoreModes"/> after a temporary
    /// <see cref="Eval"/>: a tree whose modules differ (a frozen backbone's BatchNorm in eval while the rest trains) keeps them.
    /// </summary>
    public bool[] SaveModes()
    {
        var modes = new List<bool>();
        Walk(this);
        return [.. modes];

        void Walk(Module m)
        {
            modes.Add(m.IsTraining);
            foreach (var (_, c) in m._children) Walk(c);
        }
    }

    /// <summary>Puts back the modes <see cref="SaveModes"/> returned for this same tree.</summary>
    public void RestoreModes(bool[] modes)
    {
        int i = 0;
        Walk(this);
        if (i != modes.Length) throw new ArgumentException($"RestoreModes got {modes.Length} modes for a tree of {i} modules; save them from the same model.");

        void Walk(Module m)
        {
            if (i < modes.Length) m.IsTraining = modes[i];
            i++;
            foreach (var (_, c) in m._children) Walk(c);
        }
    }

    /// <summary>
    /// Readies this module tree for serving: eval mode, no parameter trains, and every parameter and buffer becomes
    /// read-only, so layers keep derived forms of their weights (Linear and stride-1 Conv2d: packed kernel panels) instead of rebuilding
    /// them per call. Irreversible: load a fresh copy to train again.
    /// </summary>
    public Module PrepareForInference()
    {
        Eval();
        foreach (var p in Parameters())
        {
            p.Trainable = false;
            p.Value.Storage.MakeReadOnly();
        }
        foreach (var (_, b) in NamedBuffers()) b.Storage.MakeReadOnly();
        return this;
    }

    public override string ToString() => TypeName;
}
