using Lepton.Registry.Store;

namespace Lepton.Registry.Tests.Store;

/// <summary>Labels and labeling candidates on both backends: one durable write per label, feedback for predictions, bounded candidates.</summary>
public abstract partial class RegistryStoreConformance
{
    private static readonly DateTimeOffset L0 = new(2025, 3, 4, 5, 6, 7, TimeSpan.Zero);

    [Fact]
    public async Task RecordLabel_ItemLabelledTwice_KeepsOneRowAndAuditsTheChange()
    {
        var first = new LabelRecord("shapes", "unlabeled/a.png", "circle", "key_a", L0);
        Assert.Equal(FeedbackOutcome.Recorded, await Store.RecordLabelAsync(first));
        Assert.Equal(FeedbackOutcome.Unchanged, await Store.RecordLabelAsync(first with { CreatedAt = L0.AddSeconds(1) }));
        Assert.Empty(await Store.ListAuditAsync());
        var changed = first with { Label = "square", Actor = "key_b", CreatedAt = L0.AddSeconds(2) };
        Assert.Equal(FeedbackOutcome.Updated, await Store.RecordLabelAsync(changed));
        Assert.Equal([changed], await Store.ListLabelsAsync("shapes"));
        var audit = Assert.Single(await Store.ListAuditAsync());
        Assert.Equal(("key_b", "label.update"), (audit.Actor, audit.Action));
        Assert.Contains("\"to\":\"square\"", audit.DetailsJson);
        Assert.Empty(await Store.ListFeedbackAsync()); // a data set item is not a served prediction
    }

    [Fact]
    public async Task RecordLabel_ServedPrediction_AlsoRecordsItsFeedbackForTheLoop()
    {
        await Store.AppendPredictionsAsync([Prediction(5, "fashion")]);
        var label = new LabelRecord("fashion-images", "pred-000005", "Bag", "key_a", L0, Model: "fashion");
        Assert.Equal(FeedbackOutcome.Recorded, await Store.RecordLabelAsync(label));
        Assert.Equal([label], await Store.ListLabelsAsync("fashion-images"));
        var feedback = Assert.Single(await Store.ListFeedbackAsync("fashion"));
        Assert.Equal(("pred-000005", "Bag", "key_a"), (feedback.PredictionId, feedback.Label, feedback.Actor));
        Assert.Single(await Store.ListLabeledPredictionsAsync("fashion"));
    }

    [Fact]
    public async Task RecordLabel_PredictionOfAnotherModel_IsRefusedAndNothingIsStored()
    {
        await Store.AppendPredictionsAsync([Prediction(6, "digits")]);
        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            Store.RecordLabelAsync(new LabelRecord("fashion-images", "pred-000006", "Bag", "key_a", L0, Model: "fashion")));
        Assert.Contains("was made by model 'digits'", error.Message);
        Assert.Empty(await Store.ListLabelsAsync("fashion-images"));
    }

    [Theory]
    [InlineData("../escape.png")]
    [InlineData("/etc/passwd")]
    [InlineData("a\\b.png")]
    [InlineData("a//b.png")]
    [InlineData("")]
    public async Task RecordLabel_ItemPathThatIsNotAManifestPath_IsRefused(string path)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Store.RecordLabelAsync(new LabelRecord("shapes", path, "circle", "k", L0)));
        Assert.Contains("relative path", error.Message);
        Assert.Empty(await Store.ListLabelsAsync("shapes"));
    }

    [Fact]
    public async Task ListLabels_SeparatesDataSetsAndOrdersByTime()
    {
        await Store.RecordLabelAsync(new LabelRecord("shapes", "b.png", "square", "k", L0.AddSeconds(2)));
        await Store.RecordLabelAsync(new LabelRecord("shapes", "a.png", "circle", "k", L0.AddSeconds(1)));
        await Store.RecordLabelAsync(new LabelRecord("other", "a.png", "x", "k", L0));
        Assert.Equal(["a.png", "b.png"], (await Store.ListLabelsAsync("shapes")).Select(l => l.Item));
        Assert.Single(await Store.ListLabelsAsync("other"));
    }

    [Fact]
    public async Task AddLabelCandidate_BeyondTheBound_KeepsTheMostUncertainAndServesTheirBytes()
    {
        for (int i = 0; i < 4; i++)
        {
            var candidate = new LabelCandidate($"pred-c{i}", "fashion", 0.2 * (i + 1), "[{\"label\":\"Coat\",\"probability\":0.6}]", "image/png", L0.AddSeconds(i));
            Assert.True(await Store.AddLabelCandidateAsync(candidate, new byte[] { 1, 2, (byte)i }, maxPerModel: 3));
        }
        Assert.False(await Store.AddLabelCandidateAsync(new LabelCandidate("pred-low", "fashion", 0.1, "[]", "image/png", L0), new byte[] { 9 }, 3));
        Assert.False(await Store.AddLabelCandidateAsync(new LabelCandidate("pred-c3", "fashion", 0.9, "[]", "image/png", L0), new byte[] { 9 }, 3));
        var kept = await Store.ListLabelCandidatesAsync("fashion");
        Assert.Equal(["pred-c3", "pred-c2", "pred-c1"], kept.Select(c => c.PredictionId));
        Assert.Equal(0.8, kept[0].Uncertainty, 12);
        Assert.Equal([1, 2, 3], await Store.GetLabelCandidateImageAsync("pred-c3"));
        Assert.Null(await Store.GetLabelCandidateImageAsync("pred-c0"));
        Assert.Empty(await Store.ListLabelCandidatesAsync("digits"));
        await Assert.ThrowsAsync<ArgumentException>(() =>
            Store.AddLabelCandidateAsync(new LabelCandidate("pred-big", "fashion", 0.5, "[]", "image/png", L0), new byte[SqlRegistryStore.MaxCandidateImageBytes + 1], 3));
    }

    [Fact]
    public async Task SetPredictionRawInput_OnlyFillsAMissingOne()
    {
        await Store.AppendPredictionsAsync([Prediction(1), Prediction(2, raw: "[1,2]")]);
        Assert.True(await Store.SetPredictionRawInputAsync("pred-000001", "[0.5,3]"));
        Assert.False(await Store.SetPredictionRawInputAsync("pred-000001", "[9]"));
        Assert.False(await Store.SetPredictionRawInputAsync("pred-000002", "[9]"));
        Assert.False(await Store.SetPredictionRawInputAsync("pred-000404", "[9]"));
        Assert.Equal("[0.5,3]", (await Store.GetPredictionAsync("pred-000001"))!.RawInputJson);
        Assert.Equal("[1,2]", (await Store.GetPredictionAsync("pred-000002"))!.RawInputJson);
        await Assert.ThrowsAsync<ArgumentException>(() => Store.SetPredictionRawInputAsync("pred-000001", "{}"));
    }
}
