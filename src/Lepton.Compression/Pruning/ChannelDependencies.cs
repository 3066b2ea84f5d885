namespace Lepton.Compression.Pruning;

/// <summary>
/// Finds the <see cref="ChannelGroup"/>s of a <see cref="LayerGraph"/> by following each tensor's channel axis from the layer that
/// makes it to every layer that reads it: element-wise layers, pooling and BatchNorm keep the channels, Flatten turns them into
/// blocks of columns for the next Linear, Add ties its inputs' channels into one group, and any layer it does not understand
/// pins the channels it reads (recorded as the group's blocker, so the report can say why).
/// </summary>
internal static class ChannelDependencies
{
    // What a tensor's axis 1 holds: the group of channels (-1: none tracked) and whether it was flattened into columns.
    private readonly record struct Channels(int Group, bool Flat)
    {
        public static Channels None => new(-1, false);

        public bool Tracked => Group >= 0;
    }

    private static readonly HashSet<string> PassThrough = new(StringComparer.Ordinal) { "ReLU", "LeakyReLU", "GELU", "Sigmoid", "Tanh", "Exp", "Dropout" };

    private static readonly HashSet<string> Pooling = new(StringComparer.Ordinal) { "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d" };

    /// <summary>The groups, each listed once, in the order their first producer runs.</summary>
    public static IReadOnlyList<ChannelGroup> Analyze(LayerGraph graph, bool linearUnits)
    {
        var groups = new List<ChannelGroup>();
        var parent = new List<int>();
        int Find(int g)
        {
            while (parent[g] != g) g = parent[g] = parent[parent[g]];
            return g;
        }
        int NewGroup(LayerNode? producer, int channels, string? blocker = null)
        {
            var g = new ChannelGroup { Channels = channels };
            if (producer is not null) g.Producers.Add(producer);
            if (blocker is not null) g.Blockers.Add(blocker);
            groups.Add(g);
            parent.Add(parent.Count);
            return parent.Count - 1;
        }
        ChannelGroup Group(Channels c) => groups[Find(c.Group)];
        void Block(Channels c, string why)
        {
            if (c.Tracked) Group(c).Blockers.Add(why);
        }

        var info = new Dictionary<string, Channels>(StringComparer.Ordinal);
        Channels Of(string reference) => info.GetValueOrDefault(reference, Channels.None);
        foreach (var node in graph.Nodes)
        {
            var inputs = node.Inputs.Select(Of).ToList();
            var x = inputs.Count > 0 ? inputs[0] : Channels.None;
            var o = ChannelGroup.Options(node);
            string at = $"{node.Type} '{node.Name}'";
            Channels output;
            switch (node.Type)
            {
                case "Conv2d":
                    if (o.Int("groups", 1) != 1)
                    {
                        Block(x, $"read by grouped convolution '{node.Name}'");
                        output = new Channels(NewGroup(node, o.Int("out_channels"), $"made by grouped convolution '{node.Name}'"), false);
                        break;
                    }
                    if (x.Tracked)
                    {
                        if (x.Flat) Block(x, $"read flattened by {at}");
                        else Group(x).ConvConsumers.Add(node);
                    }
                    output = new Channels(NewGroup(node, o.Int("out_channels")), false);
                    break;
                case "BatchNorm2d" or "BatchNorm1d":
                    if (x.Tracked) Group(x).Norms.Add(node);
                    output = x;
                    break;
                case var t when PassThrough.Contains(t):
                    output = x;
                    break;
                case var t when Pooling.Contains(t):
                    if (x.Flat) Block(x, $"pooled after flattening by {at}");
                    output = x.Flat ? Channels.None : x;
                    break;
                case "Flatten":
                    if (o.Int("start_dim", 1) == 1 && o.Int("end_dim", -1) == -1 && !x.Flat)
                    {
                        output = x with { Flat = true };
                    }
                    else
                    {
                        Block(x, $"reshaped by {at}");
                        output = Channels.None;
                    }
                    break;
                case "Mean":
                    // Global average pooling written as a mean over H and W: (N,C,H,W) → (N,C), channels become features.
                    var dims = o.IntList("dim").Select(d => d < 0 ? d + 4 : d).Order().ToArray();
                    if (!x.Flat && !o.Bool("keepdim", false) && dims.SequenceEqual([2, 3]))
                    {
                        output = x with { Flat = true };
                    }
                    else
                    {
                        Block(x, $"reduced by {at}");
                        output = Channels.None;
                    }
                    break;
                case "Linear":
                    if (x.Tracked)
                    {
                        if (x.Flat) Group(x).LinearConsumers.Add(node);
                        else Block(x, $"read over the last axis by {at}");
                    }
                    output = linearUnits ? new Channels(NewGroup(node, o.Int("out_features")), true) : Channels.None;
                    break;
                case "Add":
                    if (inputs.All(c => c.Tracked) && inputs.All(c => c.Flat == x.Flat))
                    {
                        // A residual sum: both sides' channels line up one to one, so they are pruned alike.
                        int root = Find(x.Group);
                        foreach (var c in inputs.Skip(1))
                        {
                            int other = Find(c.Group);
                            if (other == root) continue;
                            groups[root].Absorb(groups[other]);
                            parent[other] = root;
                        }
                        output = new Channels(root, x.Flat);
                    }
                    else
                    {
                        foreach (var c in inputs) Block(c, $"added by '{node.Name}' to a tensor whose channels are not tracked");
                        output = Channels.None;
                    }
                    break;
                default:
                    foreach (var c in inputs) Block(c, $"read by {at}, which structured pruning does not rewrite");
                    output = Channels.None;
                    break;
            }
            info[node.Name] = output;
        }
        foreach (var output in graph.Outputs) Block(Of(output.Source), $"a model output ('{output.Name}')");
        var roots = new List<ChannelGroup>();
        for (int g = 0; g < groups.Count; g++)
            if (Find(g) == g) roots.Add(groups[g]);
        return roots;
    }
}
