using Lepton.Factory.Recipes;
using Lepton.Factory.Recipes.Running;
using Lepton.Registry.Store;

namespace Lepton.Factory.Tests.Recipes;

/// <summary>The runner with fake steps: resume skips completed steps, a changed section re-runs from its step, failures and Ctrl+C.</summary>
public sealed class RecipeRunnerTests
{
    private static Recipe Parse(string extra = "") => RecipeLoader.Parse("name: toy\ntraining:\n  epochs: 2\n" + extra);

    private static (FakeStep Data, FakeStep Train, FakeStep Gate, RecipeRunner Runner) Steps()
    {
        var data = new FakeStep("data", "data");
        var train = new FakeStep("train", "data", "model", "training") { ReadsFrom = "data" };
        var gate = new FakeStep("gate", "gates") { ReadsFrom = "train" };
        return (data, train, gate, new RecipeRunner([data, train, gate]));
    }

    [Fact]
    public async Task ASecondRunSkipsEveryCompletedStepAndReusesItsOutputs()
    {
        await using var reg = await TempRegistry.CreateAsync();
        var (data, train, gate, runner) = Steps();
        var first = await runner.RunAsync(reg.Context(Parse()));
        Assert.True(first.Succeeded);
        Assert.All(first.Steps, s => Assert.Equal(StepOutcome.Completed, s.Outcome));

        var second = await runner.RunAsync(reg.Context(Parse()));
        Assert.All(second.Steps, s => Assert.Equal(StepOutcome.Skipped, s.Outcome));
        Assert.All(second.Steps, s => Assert.StartsWith("done at ", s.Detail));
        Assert.Equal((1, 1, 1), (data.Runs, train.Runs, gate.Runs));
        Assert.Equal(1, second.Steps[1].Outputs["run"]!.GetValue<int>());
        var records = await reg.Registry.Store.ListRecipeStepsAsync("toy");
        Assert.All(records, r => Assert.Equal(RecipeStepStatus.Completed, r.Status));
        Assert.Contains("\"input_hash\":\"data=", records.Single(r => r.Step == "data").OutputJson);
    }

    [Fact]
    public async Task AChangedSectionRerunsItsStepAndEveryStepAfterIt()
    {
        await using var reg = await TempRegistry.CreateAsync();
        var (data, train, gate, runner) = Steps();
        await runner.RunAsync(reg.Context(Parse()));

        var changed = RecipeLoader.Parse("name: toy\ntraining:\n  epochs: 3\n");
        var plan = await runner.PlanAsync(changed, reg.Registry.Store);
        Assert.Equal([StepAction.Skip, StepAction.Run, StepAction.Run], plan.Steps.Select(s => s.Action));
        Assert.StartsWith("the training section changed since ", plan.Steps[1].Reason);
        Assert.Equal("runs after train", plan.Steps[2].Reason);

        var result = await runner.RunAsync(reg.Context(changed));
        Assert.Equal([StepOutcome.Skipped, StepOutcome.Completed, StepOutcome.Completed], result.Steps.Select(s => s.Outcome));
        Assert.Equal((1, 2, 2), (data.Runs, train.Runs, gate.Runs));
        // The re-run train step read the data step's stored outputs; the gate read the new train outputs.
        Assert.Equal(1, train.SeenBefore[1]!["run"]!.GetValue<int>());
        Assert.Equal(2, gate.SeenBefore[1]!["run"]!.GetValue<int>());
    }

    [Fact]
    public async Task AChangeOnlyTheGateReadsRerunsOnlyTheGate()
    {
        await using var reg = await TempRegistry.CreateAsync();
        var (data, train, gate, runner) = Steps();
        await runner.RunAsync(reg.Context(Parse()));
        var result = await runner.RunAsync(reg.Context(Parse("gates:\n  min_accuracy: 0.5\n")));
        Assert.Equal([StepOutcome.Skipped, StepOutcome.Skipped, StepOutcome.Completed], result.Steps.Select(s => s.Outcome));
        Assert.Equal((1, 1, 2), (data.Runs, train.Runs, gate.Runs));
    }

    [Fact]
    public async Task AFailedStepStopsTheRunIsRecordedFailedAndRunsAgainNextTime()
    {
        await using var reg = await TempRegistry.CreateAsync();
        var (data, train, gate, runner) = Steps();
        var extra = new FakeStep("register", "name");
        runner = new RecipeRunner([data, train, gate, extra]);
        gate.Fail = _ => new RecipeStepFailedException("gate failed: test accuracy 40.00% is below gates.min_accuracy 90.00%");
        var result = await runner.RunAsync(reg.Context(Parse()));
        Assert.False(result.Succeeded);
        Assert.Equal([StepOutcome.Completed, StepOutcome.Completed, StepOutcome.Failed, StepOutcome.NotReached], result.Steps.Select(s => s.Outcome));
        Assert.Equal("gate", result.Stopped!.Step);
        Assert.Contains("below gates.min_accuracy", result.Stopped.Detail);
        Assert.Equal(0, extra.Runs);
        var gateRecord = (await reg.Registry.Store.ListRecipeStepsAsync("toy")).Single(r => r.Step == "gate");
        Assert.Equal(RecipeStepStatus.Failed, gateRecord.Status);
        Assert.Contains("below gates.min_accuracy", RecipeStepState.From(gateRecord).Error);

        gate.Fail = null;
        var plan = await runner.PlanAsync(Parse(), reg.Registry.Store);
        Assert.Equal([StepAction.Skip, StepAction.Skip, StepAction.Run, StepAction.Run], plan.Steps.Select(s => s.Action));
        Assert.StartsWith("failed at ", plan.Steps[2].Reason);
        var again = await runner.RunAsync(reg.Context(Parse()));
        Assert.True(again.Succeeded);
        Assert.Equal((1, 1, 2, 1), (data.Runs, train.Runs, gate.Runs, extra.Runs));
    }

    [Fact]
    public async Task AnInterruptedStepStaysRunningAndIsRunAgain()
    {
        await using var reg = await TempRegistry.CreateAsync();
        var (data, train, gate, runner) = Steps();
        using var cts = new CancellationTokenSource();
        train.CancelWhenRun = true;
        train.Cancel = cts;
        var result = await runner.RunAsync(reg.Context(Parse()), ct: cts.Token);
        Assert.True(result.Cancelled);
        Assert.Equal([StepOutcome.Completed, StepOutcome.Cancelled, StepOutcome.NotReached], result.Steps.Select(s => s.Outcome));
        var trainRecord = (await reg.Registry.Store.ListRecipeStepsAsync("toy")).Single(r => r.Step == "train");
        Assert.Equal(RecipeStepStatus.Running, trainRecord.Status);

        train.CancelWhenRun = false;
        var plan = await runner.PlanAsync(Parse(), reg.Registry.Store);
        Assert.Equal(StepAction.Skip, plan.Steps[0].Action);
        Assert.StartsWith("interrupted (started at ", plan.Steps[1].Reason);
        var resumed = await runner.RunAsync(reg.Context(Parse()));
        Assert.Equal([StepOutcome.Skipped, StepOutcome.Completed, StepOutcome.Completed], resumed.Steps.Select(s => s.Outcome));
        Assert.Equal((1, 2, 1), (data.Runs, train.Runs, gate.Runs));
    }

    [Fact]
    public async Task FromForcesTheNamedStepAndTheRest()
    {
        await using var reg = await TempRegistry.CreateAsync();
        var (data, train, gate, runner) = Steps();
        await runner.RunAsync(reg.Context(Parse()));
        var plan = await runner.PlanAsync(Parse(), reg.Registry.Store, from: "train");
        Assert.Equal(["done at", "--from train", "runs after train"], plan.Steps.Select(s => s.Reason.StartsWith("done at", StringComparison.Ordinal) ? "done at" : s.Reason));
        await runner.RunAsync(reg.Context(Parse()), from: "train");
        Assert.Equal((1, 2, 2), (data.Runs, train.Runs, gate.Runs));
        var e = await Assert.ThrowsAsync<ArgumentException>(() => runner.PlanAsync(Parse(), reg.Registry.Store, from: "deploy"));
        Assert.Contains("the steps are data, train, gate", e.Message);
    }

    [Fact]
    public async Task NewOutputsUpstreamRerunAStepWhoseOwnSectionsDidNotChange()
    {
        // A run that re-trained and was killed before the gate must not leave the old gate result standing.
        await using var reg = await TempRegistry.CreateAsync();
        var (data, train, gate, runner) = Steps();
        await runner.RunAsync(reg.Context(Parse()));
        await new RecipeRunner([data, train]).RunAsync(reg.Context(Parse()), from: "train");
        var plan = await runner.PlanAsync(Parse(), reg.Registry.Store);
        Assert.Equal([StepAction.Skip, StepAction.Skip, StepAction.Run], plan.Steps.Select(s => s.Action));
        Assert.StartsWith("the outputs of train changed", plan.Steps[2].Reason);
    }

    [Fact]
    public void StepNamesMustBeUnique() =>
        Assert.Contains("appears twice", Assert.Throws<ArgumentException>(() => new RecipeRunner([new FakeStep("a"), new FakeStep("a")])).Message);

    [Fact]
    public void HashesNameTheirSections()
    {
        var a = RecipeLoader.Parse("name: t\ntraining:\n  epochs: 2\n");
        var b = RecipeLoader.Parse("name: t\ntraining:\n  epochs: 3\n");
        string ha = RecipeHash.Of(a, "data", "training"), hb = RecipeHash.Of(b, "data", "training");
        Assert.Matches("^data=[0-9a-f]{12} training=[0-9a-f]{12}$", ha);
        Assert.Equal(["training"], RecipeHash.ChangedParts(ha, hb));
        Assert.Empty(RecipeHash.ChangedParts(ha, RecipeHash.Of(RecipeLoader.Parse("name: t\ntraining:\n  epochs: 2\n"), "data", "training")));
    }
}
