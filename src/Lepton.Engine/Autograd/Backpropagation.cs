namespace Lepton.Engine.Autograd;

/// <summary>Reverse-mode differentiation: topological sort of the recorded graph, then one reverse sweep.</summary>
internal static class Backpropagation
{
    public static GradStore Run(Tensor root, Tensor? seed, GradStore? store)
    {
        store ??= new GradStore();
        if (!root.RequiresGrad)
            throw new InvalidOperationException("Backward() on a tensor that does not require grad: no parameter reaches it (was it computed under NoGrad?).");
        if (seed is null && root.Numel != 1)
            throw new InvalidOperationException($"Backward() without a seed gradient needs a scalar, got shape {root.Shape}; reduce with Sum() or Mean() first.");

        var order = TopologicalOrder(root);
        var grads = new Dictionary<Tensor, Tensor>(ReferenceEqualityComparer.Instance);
        using var _ = new NoGrad();
        grads[root] = seed ?? Tensor.OnesLike(root);

        for (int i = order.Count - 1; i >= 0; i--)
        {
            var t = order[i];
            if (!grads.Remove(t, out var g)) continue;
            if (t.Node is null)
            {
                store.Accumulate(t, g);
                continue;
            }
            var inputGrads = t.Node.BackwardFn(g);
            var inputs = t.Node.Inputs;
            for (int k = 0; k < inputs.Count; k++)
            {
                var x = inputs[k];
                var gx = inputGrads[k];
                if (gx is null || !x.RequiresGrad) continue;
                if (gx.Shape != x.Shape)
                    throw new InvalidOperationException($"Internal autograd error in {t.Node.Op}: gradient shape {gx.Shape} for input of shape {x.Shape}.");
                grads[x] = grads.TryGetValue(x, out var prev) ? prev.Add(gx) : gx;
            }
        }
        return store;
    }

    private static List<Tensor> TopologicalOrder(Tensor root)
    {
        var order = new List<Tensor>();
        var visited = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(Tensor t, int next)>();
        stack.Push((root, 0));
        visited.Add(root);
        while (stack.Count > 0)
        {
            var (t, next) = stack.Pop();
            var inputs = t.Node?.Inputs;
            if (inputs is not null && next < inputs.Count)
            {
                stack.Push((t, next + 1));
                var x = inputs[next];
                if (x.RequiresGrad && visited.Add(x)) stack.Push((x, 0));
            }
            else
            {
                order.Add(t);
            }
        }
        return order;
    }
}
