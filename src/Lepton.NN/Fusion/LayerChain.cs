using Lepton.Engine;

namespace Lepton.NN.Fusion;

/// <summary>
/// Layers applied in order with the fusions they declare, found once when the chain is built: a Sequential's layers, or a
/// run of single-input nodes of a graph. Outputs and gradients equal running the layers one by one.
/// </summary>
public sealed class LayerChain
{
    private readonly Module[] _layers;
    private readonly LayerFusion?[] _fusions;

    public LayerChain(IReadOnlyList<Module> layers)
    {
        _layers = [.. layers];
        _fusions = new LayerFusion?[_layers.Length];
        for (int i = 0; i < _layers.Length; i++)
        {
            if (_layers[i] is not IFusableLayer f) continue;
            var fusion = f.TryFuse(new ArraySegment<Module>(_layers, i + 1, _layers.Length - i - 1));
            if (fusion is not null && (fusion.Absorbed < 1 || i + fusion.Absorbed >= _layers.Length || fusion.BlameOffset > fusion.Absorbed))
                throw new InvalidOperationException($"{_layers[i].TypeName}.TryFuse absorbed {fusion.Absorbed} layers of the {_layers.Length - i - 1} that follow it.");
            _fusions[i] = fusion;
        }
    }

    public int Count => _layers.Length;

    /// <summary>How many fusions apply (for tests and summaries).</summary>
    public int FusionCount => _fusions.Count(f => f is not null);

    /// <summary>Runs the chain; an <see cref="ArgumentException"/> from layer i goes through <paramref name="onError"/>(i, e).</summary>
    public Tensor Forward(Tensor x, Func<int, ArgumentException, Exception> onError)
    {
        for (int i = 0; i < _layers.Length; i++)
        {
            int at = i;
            try
            {
                if (_fusions[i] is { } fusion)
                {
                    at = i + fusion.BlameOffset;
                    if (fusion.Forward(x) is { } fused)
                    {
                        x = fused;
                        i += fusion.Absorbed;
                        continue;
                    }
                    at = i;
                }
                x = _layers[i].Forward(x);
            }
            catch (ArgumentException e)
            {
                throw onError(at, e);
            }
        }
        return x;
    }
}
