using System.Globalization;
using System.Text;
using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.NN.Fusion;

namespace Lepton.NN;

/// <summary>One row of <see cref="Sequential.Summary"/>.</summary>
public sealed record LayerSummary(string Name, string Type, Shape OutputShape, long ParameterCount);

/// <summary>
/// Layers applied in order, named "0", "1", ... like torch.nn.Sequential, so state-dict names
/// (<c>0.weight</c>, <c>3.bias</c>) match PyTorch's.
/// </summary>
public sealed class Sequential : Module
{
    private readonly List<Module> _layers = [];
    private LayerChain? _chain;

    public Sequential(params IEnumerable<Module> layers)
    {
        foreach (var l in layers) Add(l);
    }

    public int Count => _layers.Count;

    public Module this[int index] => _layers[index];

    public IReadOnlyList<Module> Layers => _layers;

    /// <summary>Appends a layer named by its position; returns this for chaining.</summary>
    public Sequential Add(Module layer)
    {
        RegisterModule(_layers.Count.ToString(CultureInfo.InvariantCulture), layer);
        _layers.Add(layer);
        _chain = null;
        return this;
    }

    // The fusions the layers declare (conv + ReLU + pool, ReLU + pool), found once per layer list.
    private LayerChain Chain => _chain ??= new LayerChain(_layers);

    public override Tensor Forward(Tensor x) => Chain.Forward(x, _onError ??= NameTheLayer);

    private Func<int, ArgumentException, Exception>? _onError;

    private Exception NameTheLayer(int i, ArgumentException e) =>
        e.Message.StartsWith("Layer ", StringComparison.Ordinal) ? e : new ArgumentException($"Layer {i} ({_layers[i].TypeName}): {e.Message}", e);

    /// <summary>
    /// Runs a zero input of <paramref name="inputShape"/> (a leading -1 becomes a batch of 1) through the
    /// layers in eval mode without gradients and reports each layer's output shape and parameter count.
    /// </summary>
    public IReadOnlyList<LayerSummary> Summary(int[] inputShape, DType dtype = DType.Float32)
    {
        var dims = inputShape.Select(d => d < 0 ? 1 : d).ToArray();
        var firstParam = Parameters().FirstOrDefault();
        if (dtype.IsFloat() && firstParam is not null) dtype = firstParam.Value.DType;
        var x = Tensor.Zeros(new Shape(dims), dtype);
        bool wasTraining = IsTraining;
        Eval();
        var rows = new List<LayerSummary>();
        try
        {
            using var _ = new NoGrad();
            for (int i = 0; i < _layers.Count; i++)
            {
                x = _layers[i].Forward(x);
                rows.Add(new LayerSummary(i.ToString(CultureInfo.InvariantCulture), _layers[i].TypeName, x.Shape, _layers[i].ParameterCount));
            }
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"Summary for input {Shape.Format(inputShape)}: layer {rows.Count} ({_layers[rows.Count].TypeName}): {e.Message}", e);
        }
        finally
        {
            Train(wasTraining);
        }
        return rows;
    }

    /// <summary>The summary as an aligned text table ending in the total parameter count.</summary>
    public string SummaryText(int[] inputShape, DType dtype = DType.Float32)
    {
        var rows = Summary(inputShape, dtype);
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"{"#",-4} {"Layer",-18} {"Output shape",-20} {"Params",12}");
        foreach (var r in rows)
            sb.AppendLine(CultureInfo.InvariantCulture, $"{r.Name,-4} {r.Type,-18} {r.OutputShape.ToString(),-20} {r.ParameterCount,12:N0}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"Total parameters: {ParameterCount:N0}");
        return sb.ToString();
    }

    public override string ToString() =>
        "Sequential(\n" + string.Join("\n", _layers.Select((l, i) => $"  ({i}): {l}")) + "\n)";
}
