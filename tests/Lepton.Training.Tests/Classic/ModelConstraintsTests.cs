using Lepton.Data.Tables;
using Lepton.NN.Tasks;
using Lepton.Training.Classic;
using Lepton.Training.Classic.Auto;
using Lepton.Training.Classic.LightGbm;
using Lepton.Training.Classic.Linear;

namespace Lepton.Training.Tests.Classic;

/// <summary>
/// What a table model may be held to. Monotone constraints: the text form, sign-held L-BFGS against an exhaustive reference, and
/// trees and linear models whose answer only rises (or only falls) along a constrained feature where the unconstrained fit does
/// not. Interaction groups: trees that split on one feature each add up one curve per feature.
/// </summary>
public sealed class ModelConstraintsTests
{
    private static readonly GradientBoostingOptions Trees = GradientBoostingOptions.Default with { NumThreads = 1, Seed = 3 };

    [Fact]
    public void Parse_ReadsDirections_AndWritesThemBack()
    {
        var m = MonotoneConstraints.Parse("income=increasing, debt_ratio=-, age=+1,score=down");
        Assert.Equal(1, m.DirectionOf("income"));
        Assert.Equal(-1, m.DirectionOf("debt_ratio"));
        Assert.Equal(1, m.DirectionOf("age"));
        Assert.Equal(-1, m.DirectionOf("score"));
        Assert.Equal(0, m.DirectionOf("plan"));
        Assert.Equal("age=increasing,debt_ratio=decreasing,income=increasing,score=decreasing", m.ToString());
        Assert.Equal(m.Directions, MonotoneConstraints.Parse(m.ToString()).Directions);
        Assert.True(MonotoneConstraints.Parse("none").IsNone);
        Assert.Equal("none", MonotoneConstraints.None.ToString());
    }

    [Theory]
    [InlineData("income")]
    [InlineData("income=sideways")]
    [InlineData("=increasing")]
    [InlineData("income=up,income=down")]
    public void Parse_RefusesBadText_NamingTheForm(string text)
    {
        var e = Assert.Throws<ArgumentException>(() => MonotoneConstraints.Parse(text));
        Assert.Contains("--monotone", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PerFeature_NamesAColumnTheModelLacks_OrACategory()
    {
        var m = MonotoneConstraints.Parse("f1=decreasing");
        Assert.Equal(new sbyte[] { 0, -1, 0 }, m.PerFeature(["f0", "f1", "f2"]));
        Assert.Contains("not a feature", Assert.Throws<ArgumentException>(() => m.PerFeature(["f0"])).Message, StringComparison.Ordinal);
        Assert.Contains("categorical", Assert.Throws<ArgumentException>(() => m.PerFeature(["f0", "f1"], [1])).Message, StringComparison.Ordinal);
        Assert.Contains("classes", Assert.Throws<ArgumentException>(() => m.CheckTask(TabularTask.Classification(["a", "b", "c"]))).Message, StringComparison.Ordinal);
    }

    // A convex quadratic ½xᵀAx - bᵀx with some coordinates held to a sign: the reference tries every set of coordinates pinned at 0,
    // solves the rest exactly, and keeps the best feasible point.
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void Lbfgs_WithSigns_MatchesTheExhaustiveConstrainedOptimum(int seed)
    {
        const int n = 4;
        var rng = new Random(seed);
        var m = new double[n, n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) m[i, j] = rng.NextDouble() * 2 - 1;
        var a = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                for (int k = 0; k < n; k++) a[i, j] += m[k, i] * m[k, j];
                if (i == j) a[i, j] += 0.5;
            }
        var b = Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 4 - 2).ToArray();
        sbyte[] signs = [1, -1, 1, 0];
        double F(ReadOnlySpan<double> x, Span<double> g)
        {
            double f = 0;
            for (int i = 0; i < n; i++)
            {
                double ax = 0;
                for (int j = 0; j < n; j++) ax += a[i, j] * x[j];
                if (!g.IsEmpty) g[i] = ax - b[i];
                f += 0.5 * x[i] * ax - b[i] * x[i];
            }
            return f;
        }

        var x = new double[n];
        var result = Lbfgs.Minimize(F, x, new LbfgsOptions(GradientTolerance: 1e-10), signs: signs);
        Assert.True(result.Converged, $"{result}");
        for (int i = 0; i < n; i++) Assert.True(signs[i] * x[i] >= 0, $"x[{i}] = {x[i]} breaks its sign {signs[i]}");

        double best = double.PositiveInfinity;
        double[]? bestX = null;
        for (int pinned = 0; pinned < 1 << n; pinned++)
        {
            if (Enumerable.Range(0, n).Any(i => (pinned >> i & 1) == 1 && signs[i] == 0)) continue;
            var free = Enumerable.Range(0, n).Where(i => (pinned >> i & 1) == 0).ToArray();
            var candidate = new double[n];
            var solved = Solve(free.Select(i => free.Select(j => a[i, j]).ToArray()).ToArray(), free.Select(i => b[i]).ToArray());
            for (int t = 0; t < free.Length; t++) candidate[free[t]] = solved[t];
            if (Enumerable.Range(0, n).Any(i => signs[i] * candidate[i] < -1e-12)) continue;
            double f = F(candidate, Span<double>.Empty);
            if (f < best) (best, bestX) = (f, candidate);
        }
        Assert.NotNull(bestX);
        Assert.Equal(best, result.Objective, 9);
        for (int i = 0; i < n; i++) Assert.Equal(bestX![i], x[i], 5);
    }

    [Fact]
    public void Lbfgs_WithSigns_MovesAnInfeasibleStartToTheBound()
    {
        var x = new double[] { -3 };
        // (x - 2)²: the minimum 2 is feasible for x >= 0, reached from a start the constraint first moves to 0.
        var result = Lbfgs.Minimize((p, g) => { g[0] = 2 * (p[0] - 2); return (p[0] - 2) * (p[0] - 2); }, x, signs: [1]);
        Assert.True(result.Converged);
        Assert.Equal(2, x[0], 6);
    }

    // y falls with f0 in its middle third (a bump the trees would follow); f1 carries a rising signal.
    private static (FeatureMatrix X, float[] Y) Bumpy(int n, int seed = 1) =>
        TableData.Make(n, 3, r => 2 * r[0] - 3 * MathF.Max(0, 0.4f - MathF.Abs(r[0])) * 5 + r[1] + 0.3f * r[2], seed);

    // For each of a few rows, the model's answer as f0 sweeps [-1, 1] with the row's other features held: the largest fall seen.
    private static double LargestFall(Func<FeatureMatrix, double[]> predict, FeatureMatrix x, int feature, int rows = 20, int steps = 41)
    {
        int f = x.Columns;
        var values = new float[rows * steps * f];
        for (int r = 0; r < rows; r++)
            for (int s = 0; s < steps; s++)
            {
                x.Row(r).CopyTo(values.AsSpan((r * steps + s) * f, f));
                values[(r * steps + s) * f + feature] = -1 + 2f * s / (steps - 1);
            }
        var p = predict(new FeatureMatrix(values, rows * steps, x.FeatureNames, x.CategoricalFeatures));
        double fall = 0;
        for (int r = 0; r < rows; r++)
            for (int s = 1; s < steps; s++) fall = Math.Max(fall, p[r * steps + s - 1] - p[r * steps + s]);
        return fall;
    }

    [Theory]
    [InlineData(BoostingMode.Gbdt)]
    [InlineData(BoostingMode.RandomForest)]
    public void Trees_Increasing_NeverFallAlongTheFeature_WhereUnconstrainedOnesDo(BoostingMode mode)
    {
        var (x, y) = Bumpy(1500);
        var options = (mode == BoostingMode.Gbdt ? Trees : GradientBoostingOptions.RandomForest with { NumThreads = 1, Seed = 3 });
        var free = GradientBoostingLearner.Fit(x, y, TabularTask.Regression(), options);
        var held = GradientBoostingLearner.Fit(x, y, TabularTask.Regression(), options with { Monotone = MonotoneConstraints.Parse("f0=increasing") });
        Assert.True(LargestFall(free.Predict, x, 0) > 0.5, "the bump should show without the constraint");
        Assert.Equal(0, LargestFall(held.Predict, x, 0), 9);
        Assert.Contains("[monotone_constraints: 1,0,0]", held.ModelText, StringComparison.Ordinal);
        Assert.Equal("f0=increasing", held.Info.Metadata!["monotone"]!.GetValue<string>());
    }

    [Fact]
    public void Trees_Decreasing_HoldForAYesNoLabel()
    {
        var (x, y) = TableData.Make(1500, 3, r => (-2 * r[0] + 4 * MathF.Max(0, 0.4f - MathF.Abs(r[0])) + r[1] > 0) ? 1 : 0);
        var model = GradientBoostingLearner.Fit(x, y, TabularTask.Binary(), Trees with { Monotone = MonotoneConstraints.Parse("f0=decreasing") });
        // Decreasing along f0: the positive class's probability never rises as f0 grows.
        Assert.Equal(0, LargestFall(m => [.. model.Predict(m).Select(p => -p)], x, 0), 9);
    }

    // The largest difference, over pairs of rows, between how much f0 moves the answer in one row and in another: 0 when the model
    // is a sum of one curve per feature (no tree splits on f0 and another feature in one branch).
    private static double Interaction(Func<FeatureMatrix, double[]> predict, FeatureMatrix x, int rows = 30)
    {
        int f = x.Columns;
        var values = new float[rows * 2 * f];
        for (int r = 0; r < rows; r++)
            for (int s = 0; s < 2; s++)
            {
                x.Row(r).CopyTo(values.AsSpan((r * 2 + s) * f, f));
                values[(r * 2 + s) * f] = s == 0 ? -0.8f : 0.8f;
            }
        var p = predict(new FeatureMatrix(values, rows * 2, x.FeatureNames, x.CategoricalFeatures));
        var moves = Enumerable.Range(0, rows).Select(r => p[r * 2 + 1] - p[r * 2]).ToList();
        return moves.Max() - moves.Min();
    }

    [Theory]
    [InlineData(BoostingMode.Gbdt)]
    [InlineData(BoostingMode.RandomForest)]
    public void Trees_WithOneInteractionGroupPerFeature_AreASumOfOneCurvePerFeature(BoostingMode mode)
    {
        var (x, y) = TableData.Make(1500, 3, r => r[0] * r[1] * 2 + r[0] + r[2]);
        var groups = x.FeatureNames.Select(n => (IReadOnlyList<string>)[n]).ToList();
        var options = mode == BoostingMode.Gbdt ? Trees : GradientBoostingOptions.RandomForest with { NumThreads = 1, Seed = 3 };
        var free = GradientBoostingLearner.Fit(x, y, TabularTask.Regression(), options);
        var additive = GradientBoostingLearner.Fit(x, y, TabularTask.Regression(), options with { InteractionGroups = groups });
        Assert.True(Interaction(free.Predict, x) > 0.5, "f0's effect should depend on f1 without the constraint");
        Assert.Equal(0, Interaction(additive.Predict, x), 9);
        Assert.Contains("[interaction_constraints: [0],[1],[2]]", additive.ModelText, StringComparison.Ordinal);
        Assert.True(additive.Info.Metadata!["additive"]!.GetValue<bool>());
        var e = Assert.Throws<ArgumentException>(() => GradientBoostingLearner.Fit(x, y, TabularTask.Regression(), options with { InteractionGroups = groups[..2] }));
        Assert.Contains("leave out feature 'f2'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Linear_HoldsTheWeightsSign_AtZero_WhenTheDataPullsTheOtherWay()
    {
        // y falls with f0; constrained to rise, its weight stops at 0 and the other weights are refitted around it.
        var (x, y) = TableData.Make(500, 3, r => -1.5f * r[0] + 2 * r[1] + 0.5f * r[2] + 0.3f * r[0] * r[1]);
        var free = LinearLearner.Fit(x, y, TabularTask.Regression());
        var held = LinearLearner.Fit(x, y, TabularTask.Regression(), new LinearOptions { Monotone = MonotoneConstraints.Parse("f0=increasing") });
        Assert.True(free.Weights[0] < -1);
        Assert.Equal(0, held.Weights[0]);
        Assert.True(held.Fit!.Converged);
        Assert.Equal(2, held.Weights[1], 1);
        // The same fit as dropping f0: no better optimum hides behind the constraint.
        var dropped = LinearLearner.Fit(TableSubsetColumns(x, [1, 2]), y, TabularTask.Regression());
        Assert.Equal(dropped.Weights[0], held.Weights[1], 6);
        Assert.Equal(dropped.Weights[1], held.Weights[2], 6);
    }

    [Fact]
    public void Logistic_KeepsAWeightThatAlreadyHasTheSign_AndLosesNothing()
    {
        var (x, y) = TableData.Binary(600);
        var free = LinearLearner.Fit(x, y, TabularTask.Binary());
        var held = LinearLearner.Fit(x, y, TabularTask.Binary(), new LinearOptions { Monotone = MonotoneConstraints.Parse("f0=increasing,f1=increasing") });
        Assert.True(held.Weights[0] > 0 && held.Weights[1] > 0);
        for (int j = 0; j < free.Weights.Length; j++) Assert.Equal(free.Weights[j], held.Weights[j], 6);
        Assert.Equal("f0=increasing,f1=increasing", held.Monotone.ToString());
    }

    [Fact]
    public void Auto_WithConstraints_TriesOnlyTheLearnersThatKeepThem()
    {
        var names = TabularCandidate.Defaults(TabularTask.Binary(), monotone: MonotoneConstraints.Parse("f0=up")).Select(c => c.Name);
        Assert.Equal(["logistic", "gbdt", "random_forest", "linear_svm"], names);
        Assert.Contains("mlp", TabularCandidate.Defaults(TabularTask.Binary()).Select(c => c.Name));
    }

    private static FeatureMatrix TableSubsetColumns(FeatureMatrix x, int[] columns)
    {
        var values = new float[x.Rows * columns.Length];
        for (int i = 0; i < x.Rows; i++)
            for (int t = 0; t < columns.Length; t++) values[i * columns.Length + t] = x.Row(i)[columns[t]];
        return new FeatureMatrix(values, x.Rows, [.. columns.Select(c => x.FeatureNames[c])]);
    }

    // Gaussian elimination with partial pivoting (the reference's small systems).
    private static double[] Solve(double[][] a, double[] b)
    {
        int n = b.Length;
        var m = a.Select((row, i) => row.Append(b[i]).ToArray()).ToArray();
        for (int c = 0; c < n; c++)
        {
            int pivot = Enumerable.Range(c, n - c).MaxBy(r => Math.Abs(m[r][c]));
            (m[c], m[pivot]) = (m[pivot], m[c]);
            for (int r = 0; r < n; r++)
            {
                if (r == c) continue;
                double f = m[r][c] / m[c][c];
                for (int k = c; k <= n; k++) m[r][k] -= f * m[c][k];
            }
        }
        return [.. Enumerable.Range(0, n).Select(i => m[i][n] / m[i][i])];
    }
}
