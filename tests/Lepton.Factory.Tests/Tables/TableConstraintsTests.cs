using Lepton.Data.Tables.Encoding;
using Lepton.NN.Serialization;
using Lepton.Registry;
using Lepton.Registry.Datasets.Tables;
using Lepton.Training.Workflows.Tables;

namespace Lepton.Factory.Tests.Tables;

/// <summary>
/// <c>lepton train --monotone</c> and <c>--additive</c> on the churn table: the model folder's answer never moves against a
/// constrained column, and an additive one moves every row's log-odds alike along a column (probed through its own encoders, as
/// predict and the server replay them); model.json and the card record it, and what cannot keep a constraint is refused by name.
/// </summary>
public sealed class TableConstraintsTests : IAsyncLifetime
{
    private TempRegistry _temp = null!;

    private ModelRegistry Registry => _temp.Registry;

    public async Task InitializeAsync() => _temp = await TempRegistry.CreateAsync("lepton-table-monotone-");

    public async Task DisposeAsync() => await _temp.DisposeAsync();

    private Task<string> ImportAsync() => ChurnRow.ImportSplitAsync(Registry, _temp.Root, 800, seed: 1);

    // The largest rise in the churn probability as `monthly` sweeps 20..80 with each of 30 customers' other columns held.
    private static double LargestRise(string folder, TrackedTabularOutcome trained)
    {
        var encoders = EncoderSet.Load(Path.Combine(folder, TabularTraining.EncodersFile));
        var customers = ChurnRow.Make(30, seed: 5);
        var rows = new List<IReadOnlyDictionary<string, object?>>();
        const int steps = 25;
        foreach (var c in customers)
            for (int s = 0; s < steps; s++)
                rows.Add(new Dictionary<string, object?> { ["age"] = c.Age, ["plan"] = c.Plan, ["signup"] = c.Signup, ["monthly"] = 20 + 60.0 * s / (steps - 1) });
        var p = trained.Outcome.Model.Predict(encoders.Transform(rows));
        double rise = 0;
        for (int r = 0; r < customers.Count; r++)
            for (int s = 1; s < steps; s++) rise = Math.Max(rise, p[r * steps + s] - p[r * steps + s - 1]);
        return rise;
    }

    [Theory]
    [InlineData("gbdt")]
    [InlineData("logistic")]
    public async Task AConstrainedColumn_NeverMovesTheAnswerAgainstItsDirection(string learner)
    {
        string data = await ImportAsync();
        string free = Path.Combine(_temp.Root, "free"), held = Path.Combine(_temp.Root, "held");
        var unconstrained = await TrackedTabularTraining.RunAsync(new TabularRecipe(data, learner, Seed: 1, Threads: 1), free, Registry, null, "test");
        // Churn rises with the monthly charge; held to fall, the model may only stay flat along it.
        var constrained = await TrackedTabularTraining.RunAsync(new TabularRecipe(data, learner, Seed: 1, Threads: 1) { Monotone = "monthly=decreasing" },
            held, Registry, "held", "test");
        Assert.True(LargestRise(free, unconstrained) > 0.05, "without the constraint the charge should raise churn");
        Assert.Equal(0, LargestRise(held, constrained), 9);
        var spec = ModelSpec.FromJson(File.ReadAllText(Path.Combine(held, ModelFile.SpecFileName)));
        Assert.Equal("monthly=decreasing", spec.Metadata!["monotone"]!.GetValue<string>());
        var card = await Lepton.Reports.Cards.ModelCardBuilder.BuildAsync(Registry, "held@1");
        Assert.Contains("never rises as monthly grows", card.Task, StringComparison.Ordinal);
        // Holding the charge against its effect costs accuracy: the constraint is real, not a label.
        Assert.True(constrained.Outcome.TestMetrics["test_accuracy"] < unconstrained.Outcome.TestMetrics["test_accuracy"]);
    }

    [Fact]
    public async Task AnAdditiveModel_MovesEveryRowsLogitAlikeAlongAColumn()
    {
        string data = await ImportAsync();
        var trained = await TrackedTabularTraining.RunAsync(new TabularRecipe(data, "gbdt", Seed: 1, Threads: 1) { Additive = true },
            Path.Combine(_temp.Root, "additive"), Registry, "additive", "test");
        var encoders = EncoderSet.Load(Path.Combine(_temp.Root, "additive", TabularTraining.EncodersFile));
        // Each customer's log-odds at a charge of 30 and of 70, all else kept: the difference is the charge's curve alone.
        var rows = ChurnRow.Make(30, seed: 5).SelectMany(c => new[] { 30.0, 70.0 }.Select(m =>
            (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?> { ["age"] = c.Age, ["plan"] = c.Plan, ["signup"] = c.Signup, ["monthly"] = m })).ToList();
        var p = trained.Outcome.Model.Predict(encoders.Transform(rows));
        var moves = Enumerable.Range(0, 30).Select(r => Logit(p[2 * r + 1]) - Logit(p[2 * r])).ToList();
        Assert.True(moves.Max() > 0.1, "the charge should raise churn");
        Assert.Equal(moves.Min(), moves.Max(), 6);
        var spec = ModelSpec.FromJson(File.ReadAllText(Path.Combine(_temp.Root, "additive", ModelFile.SpecFileName)));
        Assert.True(spec.Metadata!["additive"]!.GetValue<bool>());
        var card = await Lepton.Reports.Cards.ModelCardBuilder.BuildAsync(Registry, "additive@1");
        Assert.Contains("additive: a sum of one curve per column", card.Task, StringComparison.Ordinal);
    }

    private static double Logit(double p) => Math.Log(p / (1 - p));

    [Fact]
    public async Task Auto_WithConstraints_LeavesTheMlpOut()
    {
        string data = await ImportAsync();
        var trained = await TrackedTabularTraining.RunAsync(new TabularRecipe(data, "auto", Seed: 1, Threads: 1) { Monotone = "monthly=increasing,age=decreasing", Additive = true },
            Path.Combine(_temp.Root, "auto"), Registry, null, "test");
        Assert.Equal(["logistic", "gbdt", "random_forest", "linear_svm"], trained.Outcome.Candidates.Select(c => c.Name));
        var spec = ModelSpec.FromJson(File.ReadAllText(Path.Combine(_temp.Root, "auto", ModelFile.SpecFileName)));
        Assert.Equal("age=decreasing,monthly=increasing", spec.Metadata!["monotone"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("gbdt", "plan=increasing", "categorical column")]
    [InlineData("gbdt", "signup=increasing", "datetime column")]
    [InlineData("gbdt", "customer_id=increasing", "does not learn from")]
    [InlineData("gbdt", "churn=increasing", "does not learn from")]
    [InlineData("gbdt", "salary=increasing", "does not have; its columns are customer_id, age")]
    [InlineData("mlp", "monthly=increasing", "the MLP cannot promise")]
    [InlineData("mlp", "additive", "the MLP mixes every column")]
    [InlineData("gbdt", "monthly=sideways", "COLUMN=increasing or COLUMN=decreasing")]
    public async Task ColumnsAndLearnersThatCannotKeepAConstraint_AreRefusedByName(string learner, string monotone, string message)
    {
        string data = await ImportAsync();
        var recipe = monotone == "additive" ? new TabularRecipe(data, learner, Seed: 1, Threads: 1) { Additive = true }
            : new TabularRecipe(data, learner, Seed: 1, Threads: 1) { Monotone = monotone };
        var e = await Assert.ThrowsAsync<ArgumentException>(() => TrackedTabularTraining.RunAsync(recipe, Path.Combine(_temp.Root, "refused"), Registry, null, "test"));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_temp.Root, "refused", ModelFile.SpecFileName)));
    }
}
