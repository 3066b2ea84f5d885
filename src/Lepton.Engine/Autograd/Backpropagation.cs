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

        // The sweep's collections are kept per thread and cleared after use, so a training step does not allocate
        // them again; a backward started from inside another one's closure gets fresh ones.
        var work = t_workspace ?? new Workspace();
        t_workspace = null;
        try
        {
            Sweep(root, seed, store, work);
        }
        finally
        {
            work.Clear();
            t_workspace = work;
        }
        return store;
    }

    [ThreadStatic] private static Workspace? t_workspace;

    private sealed class Workspace
    {
        public readonly List<Tensor> Order = new();
        public readonly HashSet<Tensor> Visited = new(ReferenceEqualityComparer.Instance);
        public readonly Stack<(Tensor t, int next)> Stack = new();
        public readonly Dictionary<Tensor, Tensor> Grads = new(ReferenceEqualityComparer.Instance);

        public void Clear()
        {
            Order.Clear();
            Visited.Clear();
            Stack.Clear();
            Grads.Clear();
        }
    }

    private static void Sweep(Tensor root, Tensor? seed, GradStore store, Workspace work)
    {
        var order = work.Order;
        TopologicalOrder(root, order, work.Visited, work.Stack);
        var grads = work.Grads;
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
            if (t.RetainsGrad) store.Accumulate(t, g);
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
    }

    private static void TopologicalOrder(Tensor root, List<Tensor> order, HashSet<Tensor> visited, Stack<(Tensor t, int next)> stack)
    {
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
    }
}
