using System.Net.Http.Headers;
using Lepton.Engine;
using Lepton.Registry.Labeling;
using Lepton.Serving.Tests.Http;

namespace Lepton.Serving.Tests.Labeling;

/// <summary>The labeling API on TestServer: auth, the queue, images by opaque id, storing labels, unsure predictions as candidates.</summary>
public sealed class LabelEndpointTests(LabelFixture fixture) : IClassFixture<LabelFixture>
{
    private static string Body(string dataset, string id, string label) => $"{{\"dataset\":\"{dataset}\",\"id\":\"{id}\",\"label\":\"{label}\"}}";

    [Fact]
    public async Task Queue_WithoutKeyOrWithoutFeedbackScope_IsRefused()
    {
        var client = await fixture.StartTestServerAsync();
        string name = fixture.AddShapes("auth-shapes");
        var none = await Requests.Get(client, $"/label/queue?dataset={name}", null);
        Assert.Equal(401, none.Status);
        Assert.Contains("feedback scope", none.Error);
        Assert.Equal(403, (await Requests.Get(client, $"/label/queue?dataset={name}", fixture.PredictKey)).Status);
        Assert.Equal(401, (await Requests.Get(client, "/label", null)).Status);
        Assert.Equal(200, (await Requests.Get(client, $"/label/queue?dataset={name}", fixture.FeedbackKey)).Status);
    }

    [Fact]
    public async Task PostLabel_WithoutKey_IsRefusedAndNothingIsStored()
    {
        var client = await fixture.StartTestServerAsync();
        string name = fixture.AddShapes("nokey-shapes");
        var reply = await Requests.PostJson(client, "/label", Body(name + "@1", LabelIds.ForItem("unlabeled/a.png"), "circle"), null);
        Assert.Equal(401, reply.Status);
        Assert.Equal(403, (await Requests.PostJson(client, "/label", Body(name + "@1", LabelIds.ForItem("unlabeled/a.png"), "circle"), fixture.PredictKey)).Status);
        Assert.Empty(await fixture.Registry.Store.ListLabelsAsync(name));
    }

    [Fact]
    public async Task Queue_ListsUnlabelledItemsByPathWithClassesAndProgress()
    {
        var client = await fixture.StartTestServerAsync();
        string name = fixture.AddShapes("queue-shapes");
        var reply = await Requests.Get(client, $"/label/queue?dataset={name}&model=none-such", fixture.FeedbackKey);
        Assert.Equal(200, reply.Status);
        var json = reply.Json;
        Assert.Equal((name, 1, 0, 3), (json.GetProperty("dataset").GetString(), json.GetProperty("version").GetInt32(), json.GetProperty("labelled").GetInt32(),
            json.GetProperty("remaining").GetInt32()));
        Assert.Equal(["circle", "square"], json.GetProperty("classes").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(["unlabeled/a.png", "unlabeled/b.png", "unlabeled/c.png"], json.GetProperty("queue").EnumerateArray().Select(t => t.GetProperty("display").GetString()));
        Assert.Equal(LabelIds.ForItem("unlabeled/a.png"), json.GetProperty("queue")[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task Image_OfAnItem_IsAPngOfItsPixels()
    {
        var client = await fixture.StartTestServerAsync();
        string name = fixture.AddShapes("image-shapes");
        var reply = await Requests.Send(client, HttpMethod.Get, $"/label/image/{LabelIds.ForItem("unlabeled/a.png")}?dataset={name}@1", null, fixture.FeedbackKey);
        Assert.Equal(200, reply.Status);
        Assert.Equal("image/png", reply.Header("Content-Type"));
        Assert.Equal("nosniff", reply.Header("X-Content-Type-Options"));
        var png = Lepton.Data.Images.SkiaImageDecoder.Decode(await reply.Message.Content.ReadAsByteArrayAsync(), "a.png", 1000);
        Assert.Equal(25, png.Pixels[0]);
    }

    [Theory]
    [InlineData("not-an-id", 400)]
    [InlineData("i0123456789ABCDEF", 400)]
    [InlineData("..%2F..%2Fetc%2Fpasswd", 400)]
    [InlineData("x0123456789abcdef", 400)]
    [InlineData("i0123456789abcdef", 404)]
    [InlineData("p0123456789abcdef", 404)]
    public async Task Image_BadOrUnknownId_IsAClearClientErrorWithoutLeaks(string id, int status)
    {
        var client = await fixture.StartTestServerAsync();
        string name = fixture.AddShapes("badid-shapes-" + status + id.Length);
        var reply = await Requests.Get(client, $"/label/image/{id}?dataset={name}@1", fixture.FeedbackKey);
        Assert.Equal(status, reply.Status);
        Assert.False(string.IsNullOrWhiteSpace(reply.Error));
        Requests.AssertNoLeaks(reply);
    }

    [Fact]
    public async Task PostLabel_StoresAtOnceAndTheQueueMovesOn()
    {
        var client = await fixture.StartTestServerAsync();
        string name = fixture.AddShapes("post-shapes");
        var reply = await Requests.PostJson(client, "/label", Body(name + "@1", LabelIds.ForItem("unlabeled/a.png"), "circle"), fixture.FeedbackKey);
        Assert.Equal(200, reply.Status);
        Assert.Equal(("recorded", "unlabeled/a.png"), (reply.Json.GetProperty("outcome").GetString(), reply.Json.GetProperty("display").GetString()));
        var stored = Assert.Single(await fixture.Registry.Store.ListLabelsAsync(name));
        Assert.Equal(("unlabeled/a.png", "circle"), (stored.Item, stored.Label));
        Assert.StartsWith("key_", stored.Actor);
        // Only this data set's items: other tests of the class keep served predictions as candidates of model tiny.
        var queue = (await Requests.Get(client, $"/label/queue?dataset={name}&model=none-such", fixture.FeedbackKey)).Json;
        Assert.Equal(2, queue.GetProperty("remaining").GetInt32());
        Assert.Equal(1, queue.GetProperty("labelled").GetInt32());
    }

    [Theory]
    [InlineData("{\"dataset\":\"post-bad@1\",\"id\":\"../../etc/passwd\",\"label\":\"circle\"}", 400)]
    [InlineData("{\"dataset\":\"post-bad@1\",\"id\":\"i0123456789abcdef\",\"label\":\"circle\"}", 404)]
    [InlineData("{\"dataset\":\"post-bad\",\"id\":\"i0123456789abcdef\",\"label\":\"circle\"}", 400)]
    [InlineData("{\"dataset\":\"no-such@1\",\"id\":\"i0123456789abcdef\",\"label\":\"circle\"}", 404)]
    [InlineData("{\"dataset\":\"post-bad@1\",\"id\":\"i0123456789abcdef\"}", 400)]
    [InlineData("not json", 400)]
    public async Task PostLabel_BadRequest_IsRefusedWithoutLeaks(string body, int status)
    {
        var client = await fixture.StartTestServerAsync();
        if (!fixture.Datasets.Has("post-bad")) fixture.AddShapes("post-bad");
        var reply = await Requests.PostJson(client, "/label", body, fixture.FeedbackKey);
        Assert.Equal(status, reply.Status);
        Requests.AssertNoLeaks(reply);
        Assert.Empty(await fixture.Registry.Store.ListLabelsAsync("post-bad"));
    }

    [Fact]
    public async Task PostLabel_FromAnotherOrigin_IsRefused()
    {
        var client = await fixture.StartTestServerAsync();
        string name = fixture.AddShapes("origin-shapes");
        var reply = await Requests.Send(client, HttpMethod.Post, "/label",
            new StringContent(Body(name + "@1", LabelIds.ForItem("unlabeled/a.png"), "circle"), System.Text.Encoding.UTF8, "application/json"), fixture.FeedbackKey,
            r => r.Headers.Add("Origin", "https://evil.example"));
        Assert.Equal(403, reply.Status);
        Assert.Empty(await fixture.Registry.Store.ListLabelsAsync(name));
    }

    [Fact]
    public async Task UnsurePrediction_OfAnImage_JoinsTheQueueAndItsLabelBecomesFeedbackWithItsRawInput()
    {
        var client = await fixture.StartTestServerAsync(new ServerOptions { RawInputSampleRate = 0 });
        string name = fixture.AddShapes("predicted-shapes");
        var png = Lepton.Data.Formats.PngEncoder.Encode(Tensor.FromArray(Requests.Pixels(3), 1, 4, 4));
        var content = new ByteArrayContent(png);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        var predicted = await Requests.Send(client, HttpMethod.Post, $"/models/{ServerFixture.Model}/predict", content, fixture.PredictKey);
        Assert.Equal(200, predicted.Status);
        string predictionId = predicted.Json.GetProperty("prediction_id").GetString()!;
        string id = LabelIds.ForPrediction(predictionId);
        System.Text.Json.JsonElement entry = default;
        for (int i = 0; i < 100 && entry.ValueKind == System.Text.Json.JsonValueKind.Undefined; i++)
        {
            var queue = (await Requests.Get(client, $"/label/queue?dataset={name}&model={ServerFixture.Model}", fixture.FeedbackKey)).Json;
            entry = queue.GetProperty("queue").EnumerateArray().FirstOrDefault(t => t.GetProperty("id").GetString() == id);
            if (entry.ValueKind == System.Text.Json.JsonValueKind.Undefined) await Task.Delay(50);
        }
        Assert.Equal("prediction", entry.GetProperty("kind").GetString());
        Assert.Equal(3, entry.GetProperty("guesses").GetArrayLength());
        Assert.Contains(entry.GetProperty("guesses")[0].GetProperty("label").GetString(), ServerFixture.Classes);
        var image = await Requests.Send(client, HttpMethod.Get, $"/label/image/{id}?dataset={name}@1", null, fixture.FeedbackKey);
        Assert.Equal("image/png", image.Header("Content-Type"));
        Assert.Equal(png, await image.Message.Content.ReadAsByteArrayAsync());

        Lepton.Registry.Store.PredictionRecord? logged = null;
        for (int i = 0; i < 200 && logged is null; i++)
            if ((logged = await fixture.Registry.Store.GetPredictionAsync(predictionId)) is null) await Task.Delay(25);
        Assert.NotNull(logged);
        Assert.Null(logged.RawInputJson);

        var labelled = await Requests.PostJson(client, "/label", Body(name + "@1", id, "dog"), fixture.FeedbackKey);
        Assert.Equal(200, labelled.Status);
        var feedback = Assert.Single(await fixture.Registry.Store.ListFeedbackAsync(ServerFixture.Model), f => f.PredictionId == predictionId);
        Assert.Equal("dog", feedback.Label);
        // The log sampled no raw input (the fixture's server keeps none); the label filled it from the kept image, so the loop can retrain on it.
        logged = await fixture.Registry.Store.GetPredictionAsync(predictionId);
        var raw = System.Text.Json.JsonDocument.Parse(logged!.RawInputJson!).RootElement.EnumerateArray().Select(v => v.GetSingle()).ToArray();
        Assert.Equal(Requests.Pixels(3), raw);
        Assert.Single(await fixture.Registry.Store.ListLabeledPredictionsAsync(ServerFixture.Model), l => l.Prediction.Id == predictionId);
    }

    [Fact]
    public async Task Label_OnAServerWithoutLabeling_Is501WithAHint()
    {
        var client = await fixture.StartTestServerAsync(labeling: false);
        var reply = await Requests.Get(client, "/label/queue?dataset=x", fixture.FeedbackKey);
        Assert.Equal(501, reply.Status);
        Assert.Contains("--label", reply.Error);
    }
}
