using Lepton.NN.Serialization;

namespace Lepton.Compression.Pruning;

/// <summary>
/// Channels that must be removed together: the output channels of every layer that makes them (one convolution, or several
/// whose outputs meet at a residual Add), the BatchNorms over them, and the input channels of every layer that reads them
/// (a convolution's input channels, or a Linear's columns after a Flatten). <see cref="Blockers"/> says why a group cannot
/// shrink (a model output, a Concat, a grouped convolution ...).
/// </summary>
internal sealed class ChannelGroup
{
    public List<LayerNode> Producers { get; } = [];

    public List<LayerNode> Norms { get; } = [];

    public List<LayerNode> ConvConsumers { get; } = [];

    /// <summary>Linears reading the channels flattened: each channel is in_features / channels adjacent columns.</summary>
    public List<LayerNode> LinearConsumers { get; } = [];

    public List<string> Blockers { get; } = [];

    /// <summary>The channel count every producer makes (0 before the first producer).</summary>
    public int Channels { get; set; }

    public void Absorb(ChannelGroup other)
    {
        Producers.AddRange(other.Producers);
        Norms.AddRange(other.Norms);
        ConvConsumers.AddRange(other.ConvConsumers);
        LinearConsumers.AddRange(other.LinearConsumers);
        Blockers.AddRange(other.Blockers);
        if (Channels != other.Channels && Channels != 0 && other.Channels != 0)
            Blockers.Add($"its producers make {Channels} and {other.Channels} channels");
        Channels = Channels == 0 ? other.Channels : Channels;
    }

    /// <summary>Why the group cannot be pruned after the analysis, or null when it can.</summary>
    public string? Refusal()
    {
        if (Blockers.Count > 0) return string.Join("; ", Blockers.Distinct());
        if (Producers.Count == 0) return "no layer makes these channels";
        if (Producers.Select(p => p.Type).Distinct().Count() > 1) return "convolutions and linear layers meet at one merge";
        foreach (var n in Norms)
            if (Options(n).Int("num_features") != Channels)
                return $"{n.Type} '{n.Name}' normalizes {Options(n).Int("num_features")} features, not the {Channels} channels";
        foreach (var l in LinearConsumers)
            if (Options(l).Int("in_features") % Channels != 0)
                return $"Linear '{l.Name}' has {Options(l).Int("in_features")} inputs, not a multiple of the {Channels} channels it reads";
        return null;
    }

    public static LayerOptionsReader Options(LayerNode n) => new(n.Options, $"node '{n.Name}' ({n.Type})");
}
