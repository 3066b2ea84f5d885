using Lepton.NN.Tasks;
using Lepton.Data.Tables;
using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.NN;
using Lepton.NN.Layers;
using Lepton.NN.Losses;
using Lepton.NN.Serialization;
using Lepton.Training.Optimizers;
using LinearLayer = Lepton.NN.Layers.Linear;

namespace Lepton.Training.Classic.Mlp;

/// <summary>
/// A multilayer perceptron for tables on Lepton's engine: features standardized with the training rows' statistics, ReLU hidden
/// layers, a sigmoid (binary), softmax (multiclass) or identity (regression, on a standardized target) head, AdamW on shuffled
/// mini-batches, early stopping on a stratified slice of the training rows, then (small tables) a refit on every row for the best
/// epoch count; on small tables several such members with their own seeds, averaged in one network. Seeded and deterministic. Features must be finite: impute them first (the linear encoders do).
/// </summary>
public static class TabularMlp
{
    /// <remarks>
    /// With <paramref name="validation"/> (the data set's own validation split, encoded alike) early stopping watches those rows,
    /// standardized by the training rows' statistics, instead of a share held out of <paramref name="x"/>; every training row
    /// trains and there is no refit, so the validation rows stay unseen.
    /// </remarks>
    public static TabularMlpModel Fit(FeatureMatrix x, float[] labels, TabularTask task, TabularMlpOptions? options = null, CancellationToken ct = default,
        (FeatureMatrix X, float[] Labels)? validation = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(task);
        var o = options ?? new TabularMlpOptions();
        o.Validate();
        task.CheckLabels(labels, x.Rows);
        if (x.Weights is not null)
            throw new ArgumentException("The MLP takes no row weights (--reweigh, --weight-column): use gbdt, random-forest, a linear learner or auto.", nameof(x));
        if (validation is { } v0)
        {
            task.CheckLabels(v0.Labels, v0.X.Rows);
            if (v0.X.Columns != x.Columns)
                throw new ArgumentException($"The validation rows have {v0.X.Columns} features, the training rows {x.Columns}; encode both with the same encoders.", nameof(validation));
        }
        if (x.Rows < 1) throw new ArgumentException("An MLP needs at least one row, got none.", nameof(x));
        int n = x.Rows, f = x.Columns;

        // Standardization statistics of the training rows (population deviation; a constant feature keeps scale 1).
        var mean = new double[f];
        var scale = new double[f];
        for (int i = 0; i < n; i++)
        {
            var row = x.Row(i);
            for (int j = 0; j < f; j++)
            {
                if (!float.IsFinite(row[j]))
                    throw new ArgumentException(
                        $"The MLP needs finite features; row {i}, feature '{x.FeatureNames[j]}' is {row[j]}. Impute missing values with a column encoder first (--model mlp does; LightGBM takes NaN as it is).",
                        nameof(x));
                mean[j] += row[j];
            }
        }
        for (int j = 0; j < f; j++) mean[j] /= n;
        for (int i = 0; i < n; i++)
        {
            var row = x.Row(i);
            for (int j = 0; j < f; j++) { double d = row[j] - mean[j]; scale[j] += d * d; }
        }
        for (int j = 0; j < f; j++) scale[j] = scale[j] > 0 ? Math.Sqrt(scale[j] / n) : 1;
        // The given validation rows follow the training rows, standardized by the training rows' statistics.
        int held = validation is { Labels.Length: > 0 } given ? given.X.Rows : 0;
        var z = new float[(n + held) * f];
        for (int i = 0; i < n + held; i++)
        {
            var row = i < n ? x.Row(i) : validation!.Value.X.Row(i - n);
            for (int j = 0; j < f; j++) z[i * f + j] = (float)((row[j] - mean[j]) / scale[j]);
        }

        // A regression target is standardized too, so one learning rate suits any unit; the last layer takes the scale back. Through
        // a log link the network gives log μ instead: the targets stay as they are (a deviance needs them so) and the output starts
        // from the log of the mean target, an offset the last layer takes in after training.
        double yMean = 0, yScale = 1;
        var targets = labels;
        if (task.Loss.LogLink)
        {
            yMean = Math.Log(labels.Average(y => (double)y));
        }
        else if (!task.IsClassification)
        {
            foreach (var y in labels) yMean += y;
            yMean /= n;
            double variance = 0;
            foreach (var y in labels) variance += (y - yMean) * (y - yMean);
            yScale = variance > 0 ? Math.Sqrt(variance / n) : 1;
            targets = [.. labels.Select(y => (float)((y - yMean) / yScale))];
        }
        if (held > 0)
        {
            var validLabels = validation!.Value.Labels;
            targets = [.. targets, .. task.IsClassification || task.Loss.LogLink ? validLabels : validLabels.Select(y => (float)((y - yMean) / yScale))];
        }

        var data = new TrainingRows(z, targets, f, task, o.ClassWeights.ClassWeights(labels, task)) { LogOffset = task.Loss.LogLink ? yMean : 0 };
        int batch = o.ResolvedBatchSize(n);
        int members = o.ResolvedMembers(n);
        var all = Enumerable.Range(0, n).ToArray();
        var givenRows = Enumerable.Range(n, held).ToArray();
        bool validate = o.Patience > 0 && (held > 0 || n >= o.MinRowsForValidation);
        bool refit = validate && held == 0 && o.ResolvedRefit(n);
        var networks = new List<Sequential>();
        var epochs = new List<int>();
        var bestEpochs = new List<int>();
        var losses = new List<double>();
        for (int m = 0; m < members; m++)
        {
            // Each member has its own seed: its own initial weights, batch order and validation slice.
            var member = o with { Seed = unchecked(o.Seed + m) };
            if (validate)
            {
                var (fitRows, validRows) = held > 0 ? (all, givenRows) : TableRows.Split(x, labels, task, o.ValidationFraction, member.Seed);
                var first = Train(data, fitRows, validRows, o.MaxEpochs, member, batch, ct);
                networks.Add(refit ? Train(data, all, [], Math.Max(1, first.BestEpoch), member, batch, ct).Network : first.Network);
                epochs.Add(first.Epochs);
                bestEpochs.Add(first.BestEpoch);
                losses.Add(first.BestLoss);
            }
            else
            {
                var only = Train(data, all, [], o.MaxEpochs, member, batch, ct);
                networks.Add(only.Network);
                epochs.Add(only.Epochs);
                bestEpochs.Add(only.Epochs);
                losses.Add(double.NaN);
            }
        }
        var network = networks.Count == 1 ? networks[0] : Pack(networks);
        FoldScales(network, mean, scale, yMean, yScale);
        var fit = new TabularMlpFit(members, epochs, bestEpochs, losses, refit, batch);
        return new TabularMlpModel(task, network, x.FeatureNames, mean) { Fit = fit, Options = o, Members = members };
    }

    /// <summary>
    /// One network that computes the mean raw output of <paramref name="members"/> (same shape each): hidden layers side by side
    /// (the first stacked, the deeper ones block-diagonal), the last layer averaging; still a Linear/ReLU chain, served and
    /// explained like a single member.
    /// </summary>
    public static Sequential Pack(IReadOnlyList<Sequential> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (members.Count == 0) throw new ArgumentException("Pack needs at least one network.", nameof(members));
        var chains = members.Select(m => Runtime.Tables.MlpContributions.LinearsOf(m)
            ?? throw new ArgumentException($"Pack takes Linear/ReLU chains; got {m}.", nameof(members))).ToList();
        int depth = chains[0].Count, count = members.Count;
        if (chains.Any(c => c.Count != depth || c.Zip(chains[0]).Any(p => p.First.InFeatures != p.Second.InFeatures || p.First.OutFeatures != p.Second.OutFeatures)))
            throw new ArgumentException("Pack takes networks of one shape.", nameof(members));
        var layers = new List<Module>();
        for (int l = 0; l < depth; l++)
        {
            var shape = chains[0][l];
            bool first = l == 0, last = l == depth - 1;
            int ins = first ? shape.InFeatures : shape.InFeatures * count;
            int outs = last ? shape.OutFeatures : shape.OutFeatures * count;
            var packed = new LinearLayer(ins, outs, rng: new Generator(0));
            var w = packed.Weight.Value.Span<float>();
            var b = packed.Bias!.Value.Span<float>();
            w.Clear();
            b.Clear();
            for (int m = 0; m < count; m++)
            {
                var layer = chains[m][l];
                var mw = layer.Weight.Value.Contiguous().ToArray();
                var mb = layer.Bias!.Value.Contiguous().ToArray();
                int rowAt = last ? 0 : m * shape.OutFeatures;
                int colAt = first ? 0 : m * shape.InFeatures;
                float share = last ? 1f / count : 1f;
                for (int r = 0; r < shape.OutFeatures; r++)
                {
                    for (int c = 0; c < shape.InFeatures; c++) w[(rowAt + r) * ins + colAt + c] = mw[r * shape.InFeatures + c] * share;
                    b[rowAt + r] += mb[r] * share;
                }
            }
            layers.Add(packed);
            if (!last) layers.Add(new ReLU());
        }
        var network = new Sequential(layers);
        network.Eval();
        return network;
    }

    /// <summary>The network Linear(F, h₁), ReLU, ..., Linear(h_last, K), initialized as PyTorch does from <paramref name="seed"/>.</summary>
    public static Sequential Build(int features, IReadOnlyList<int> hidden, int outputs, int seed)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        var rng = new Generator(unchecked((ulong)seed));
        var layers = new List<Module>();
        int width = features;
        foreach (var h in hidden)
        {
            layers.Add(new LinearLayer(width, h, rng: rng));
            layers.Add(new ReLU());
            width = h;
        }
        layers.Add(new LinearLayer(width, outputs, rng: rng));
        return new Sequential(layers);
    }

    // Training rows: standardized features (N, F) row-major and targets (class indices or standardized values).
    // ClassWeights: each class's weight (mean 1 over the training rows), or null for equal rows.
    private sealed record TrainingRows(float[] Z, float[] Y, int F, TabularTask Task, double[]? ClassWeights)
    {
        // Through a log link: what the network's output is added to before the deviance, the log of the mean target.
        public double LogOffset { get; init; }

        private readonly CrossEntropyOptions? _crossEntropy = Task.Kind == TaskKind.Multiclass && ClassWeights is { } w
            ? new CrossEntropyOptions(Tensor.FromArray([.. w.Select(v => (float)v)], w.Length)) : null;

        // Binary: the positive rows' loss counts w1/w0 times the negative rows' (pos_weight), and the whole is scaled by w0.
        private readonly BCEWithLogitsOptions? _bce = Task.Kind == TaskKind.Binary && ClassWeights is { } w
            ? new BCEWithLogitsOptions(Tensor.Scalar((float)(w[1] / w[0]), DType.Float32)) : null;

        public int Outputs => Task.Kind == TaskKind.Multiclass ? Task.ClassCount : 1;

        // The rows `which` as the network's input (B, F) and the loss's target.
        public (Tensor Input, Tensor Target) Batch(ReadOnlySpan<int> which)
        {
            var xs = new float[which.Length * F];
            for (int i = 0; i < which.Length; i++) Z.AsSpan(which[i] * F, F).CopyTo(xs.AsSpan(i * F, F));
            var input = Tensor.FromArray(xs, which.Length, F);
            if (Task.Kind == TaskKind.Multiclass)
            {
                var ids = new int[which.Length];
                for (int i = 0; i < which.Length; i++) ids[i] = (int)Y[which[i]];
                return (input, Tensor.FromArray(ids, which.Length));
            }
            var ys = new float[which.Length];
            for (int i = 0; i < which.Length; i++) ys[i] = Y[which[i]];
            return (input, Tensor.FromArray(ys, which.Length, 1));
        }

        // Mean log loss (classification; weighted by class when asked) or the regression loss (squared, absolute or pinball error
        // on the standardized target, whose minimizer is the standardized mean, median or quantile; a deviance of log μ = output
        // + the offset against the target itself) of outputs against targets.
        public Tensor Loss(Tensor output, Tensor target) => Task.Kind switch
        {
            TaskKind.Multiclass => CrossEntropyLoss.Apply(output, target, _crossEntropy),
            TaskKind.Binary when _bce is not null => BCEWithLogitsLoss.Apply(output, target, _bce).Mul(ClassWeights![0]),
            TaskKind.Binary => BCEWithLogitsLoss.Apply(output, target),
            _ => Task.Loss.Kind switch
            {
                RegressionLossKind.Absolute => L1Loss.Apply(output, target),
                RegressionLossKind.Quantile => PinballLoss.Apply(output, target, Task.Loss.Parameter),
                RegressionLossKind.Poisson => PoissonNLLLoss.Apply(output.Add(LogOffset), target),
                RegressionLossKind.Gamma => TweedieDevianceLoss.Apply(output.Add(LogOffset), target, 2),
                RegressionLossKind.Tweedie => TweedieDevianceLoss.Apply(output.Add(LogOffset), target, Task.Loss.Parameter),
                _ => MSELoss.Apply(output, target),
            },
        };
    }

    private sealed record Trained(Sequential Network, int Epochs, int BestEpoch, double BestLoss);

    // Trains a fresh network on `fitRows` for up to `epochs` epochs; with validation rows, stops after Patience epochs without a
    // lower validation loss and returns the weights of the best epoch.
    private static Trained Train(TrainingRows data, int[] fitRows, int[] validRows, int epochs, TabularMlpOptions o, int batchSize, CancellationToken ct)
    {
        var network = Build(data.F, o.HiddenLayers, data.Outputs, o.Seed);
        network.Train();
        var optimizer = new AdamW(network.Parameters(), new AdamWOptions(LearningRate: o.LearningRate, WeightDecay: o.WeightDecay));
        var order = (int[])fitRows.Clone();
        var shuffle = new Random(o.Seed);
        var (validInput, validTarget) = validRows.Length > 0 ? data.Batch(validRows) : (null, null);
        double best = double.PositiveInfinity;
        int bestEpoch = 0, epoch = 0;
        float[][]? bestWeights = null;
        while (epoch < epochs)
        {
            ct.ThrowIfCancellationRequested();
            epoch++;
            shuffle.Shuffle(order);
            for (int start = 0; start < order.Length; start += batchSize)
            {
                ct.ThrowIfCancellationRequested();
                var (input, target) = data.Batch(order.AsSpan(start, Math.Min(batchSize, order.Length - start)));
                var loss = data.Loss(network.Forward(input), target);
                if (!double.IsFinite(loss.Item()))
                    throw new InvalidOperationException($"The MLP's training loss became {loss.Item()} at epoch {epoch}; lower the learning rate (--lr {o.LearningRate}).");
                optimizer.Step(loss.Backward());
            }
            if (validInput is null) continue;
            double validLoss;
            using (new NoGrad()) validLoss = data.Loss(network.Forward(validInput), validTarget!).Item();
            if (validLoss < best)
            {
                (best, bestEpoch) = (validLoss, epoch);
                bestWeights = [.. network.Parameters().Select(p => p.Value.ToArray())];
            }
            else if (epoch - bestEpoch >= o.Patience)
            {
                break;
            }
        }
        if (bestWeights is not null)
        {
            int t = 0;
            foreach (var p in network.Parameters()) bestWeights[t++].CopyTo(p.Value.Span<float>());
        }
        network.Eval();
        return new Trained(network, epoch, validInput is null ? epoch : bestEpoch, best);
    }

    // The network learned on z = (x − mean) / scale and (regression) predicts (y − yMean) / yScale; rewrite the first layer to take x
    // (W' = W / scale, b' = b − W'·mean) and the last to give y (W' = W·yScale, b' = b·yScale + yMean), in double before rounding.
    private static void FoldScales(Sequential network, double[] mean, double[] scale, double yMean, double yScale)
    {
        var linears = Runtime.Tables.MlpContributions.LinearsOf(network)!;
        var first = linears[0];
        int f = first.InFeatures;
        var w = first.Weight.Value.Span<float>();
        var b = first.Bias!.Value.Span<float>();
        for (int u = 0; u < first.OutFeatures; u++)
        {
            double bias = b[u];
            for (int j = 0; j < f; j++)
            {
                float wj = (float)(w[u * f + j] / scale[j]);
                bias -= wj * mean[j];
                w[u * f + j] = wj;
            }
            b[u] = (float)bias;
        }
        if (yScale == 1 && yMean == 0) return;
        var last = linears[^1];
        var lw = last.Weight.Value.Span<float>();
        var lb = last.Bias!.Value.Span<float>();
        for (int t = 0; t < lw.Length; t++) lw[t] = (float)(lw[t] * yScale);
        for (int u = 0; u < lb.Length; u++) lb[u] = (float)(lb[u] * yScale + yMean);
    }
}
