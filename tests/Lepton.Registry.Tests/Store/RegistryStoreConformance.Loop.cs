using Lepton.Registry.Store;

namespace Lepton.Registry.Tests.Store;

public abstract partial class RegistryStoreConformance
{
    private static PredictionRecord Prediction(string id, string model, int version, string label) =>
        new(id, model, version, DateTimeOffset.UtcNow, 1.5, label, "{\"mean\":0.5}", "{\"label\":\"" + label + "\"}", "[0.1,0.2]");

    [Fact]
    public async Task Labeled_predictions_join_feedback_with_logged_predictions_only()
    {
        await Store.AppendPredictionsAsync([Prediction("p1", "fashion", 1, "Bag"), Prediction("p2", "fashion", 1, "Coat")]);
        await Store.RecordFeedbackAsync(new FeedbackRecord("p1", "fashion", "Bag", DateTimeOffset.UtcNow, Actor));
        await Store.RecordFeedbackAsync(new FeedbackRecord("p2", "fashion", "Shirt", DateTimeOffset.UtcNow.AddMilliseconds(1), Actor));
        await Store.RecordFeedbackAsync(new FeedbackRecord("p9", "fashion", "Shirt", DateTimeOffset.UtcNow.AddMilliseconds(2), Actor)); // not logged (yet)

        var labeled = await Store.ListLabeledPredictionsAsync("fashion");

        Assert.Equal(["p1", "p2"], labeled.Select(l => l.Prediction.Id));
        Assert.Equal("Coat", labeled[1].Prediction.PredictedLabel);
        Assert.Equal("Shirt", labeled[1].Feedback.Label);
        Assert.Equal("[0.1,0.2]", labeled[0].Prediction.RawInputJson);
        Assert.Empty(await Store.ListLabeledPredictionsAsync("other"));
    }

    [Fact]
    public async Task Loop_decisions_are_stored_newest_first_and_audited()
    {
        var first = await Store.AddLoopDecisionAsync(new NewLoopDecision("fashion", "evaluate", "challenger-wins", 1, 2, "2 beats 1 by 4.1 points",
            "{\"champion\":0.81,\"challenger\":0.851}", Actor));
        await Store.AddLoopDecisionAsync(new NewLoopDecision("other", "retrain", "skipped", 1, null, "no feedback", "{}", Actor));
        var last = await Store.AddLoopDecisionAsync(new NewLoopDecision("fashion", "canary", "promoted", 1, 2, "canary accuracy 0.86 >= 0.80", "{}", Actor));

        var listed = await Store.ListLoopDecisionsAsync("fashion");
        Assert.Equal([last.Id, first.Id], listed.Select(d => d.Id));
        Assert.Equal("2 beats 1 by 4.1 points", listed[1].Reason);
        Assert.Equal(2, listed[1].ChallengerVersion);
        Assert.Equal(3, (await Store.ListLoopDecisionsAsync()).Count);
        Assert.Contains(await Store.ListAuditAsync(), a => a.Action == "loop.canary" && a.Target == "fashion");
        await Assert.ThrowsAsync<ArgumentException>(() => Store.AddLoopDecisionAsync(new NewLoopDecision("fashion", "x", "y", null, null, " ", "{}", Actor)));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.AddLoopDecisionAsync(new NewLoopDecision("fashion", "x", "y", null, null, "why", "{nope", Actor)));
    }

    [Fact]
    public async Task Alert_events_are_listed_newest_first_since_a_time()
    {
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-10);
        await Store.AddAlertEventAsync("fashion", 1, "drift.psi > 0.2", 0.35, 0.2, "input drift", t0);
        var recent = await Store.AddAlertEventAsync("fashion", 1, "accuracy < 0.85 over 500 labels", 0.7, 0.85, "accuracy dropped", t0.AddMinutes(9));

        Assert.Equal(2, (await Store.ListAlertEventsAsync("fashion")).Count);
        var since = await Store.ListAlertEventsAsync("fashion", t0.AddMinutes(5));
        Assert.Equal(recent.Id, Assert.Single(since).Id);
        Assert.Equal(0.7, since[0].Value, 6);
        await Assert.ThrowsAsync<ArgumentException>(() => Store.AddAlertEventAsync("fashion", 1, "r", double.NaN, 1, "m"));
    }

    [Fact]
    public async Task Recipe_steps_upsert_and_keep_their_first_order()
    {
        await Store.SetRecipeStepAsync("r1", "train", RecipeStepStatus.Running, "{}");
        await Store.SetRecipeStepAsync("r1", "register", RecipeStepStatus.Completed, "{\"version\":3}");
        await Store.SetRecipeStepAsync("r1", "train", RecipeStepStatus.Completed, "{\"accuracy\":0.9}");

        var steps = await Store.ListRecipeStepsAsync("r1");
        Assert.Equal(["train", "register"], steps.Select(s => s.Step));
        Assert.Equal(RecipeStepStatus.Completed, steps[0].Status);
        Assert.Equal("{\"accuracy\":0.9}", steps[0].OutputJson);
        Assert.Empty(await Store.ListRecipeStepsAsync("r2"));
    }
}
