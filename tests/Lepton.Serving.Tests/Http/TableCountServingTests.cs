using System.Text.Json;
using Lepton.Data.Tables;
using Lepton.Data.Tables.Columns;
using Lepton.Data.Tables.Encoding;
using Lepton.NN.Serialization;
using Lepton.Runtime;
using Lepton.Runtime.LightGbm;
using Lepton.Serving.Http;
using Lepton.Serving.Models;
using Lepton.Serving.Tests.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;

namespace Lepton.Serving.Tests.Http;

/// <summary>
/// A count regressor (LightGBM's poisson objective, model.json's task.loss "poisson") served: /predict and OIP answer the count
/// itself, exp of the raw score, never the log; contributions say <c>"scale": "log"</c> and add up to the log of the answer.
/// </summary>
public sealed class TableCountServingTests : IAsyncLifetime
{
    private const string Model = "demand";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "lepton-count-serving", Guid.NewGuid().ToString("N"));
    private readonly FakeRegistry _registry = new();
    private ModelManager _models = null!;
    private WebApplication _app = null!;
    private HttpClient _client = null!;
    private string _modelText = "";
    private EncoderSet _encoders = null!;

    public async Task InitializeAsync()
    {
        string folder = Path.Combine(_root, "v1");
        var rng = new Random(9);
        int n = 600;
        string[] stores = ["north", "south", "east"];
        var price = new double[n];
        var store = new string?[n];
        var y = new float[n];
        for (int i = 0; i < n; i++)
        {
            price[i] = 1 + rng.NextDouble() * 9;
            store[i] = stores[rng.Next(3)];
            double mean = Math.Exp(2.2 - 0.25 * price[i] + (store[i] == "north" ? 0.7 : 0));
            // A Poisson draw by counting exponential gaps within one unit of time.
            int k = 0;
            for (double t = -Math.Log(1 - rng.NextDouble()) / mean; t < 1; t += -Math.Log(1 - rng.NextDouble()) / mean) k++;
            y[i] = k;
        }
        var table = new Table([new NumericColumn("price", price), new StringColumn("store", ColumnKind.Categorical, store)]);
        _encoders = EncoderSet.Fit(table, ["price", "store"], new EncoderOptions(EncoderMode.Trees));
        var x = _encoders.Transform(table);
        string parameters = "objective=poisson verbosity=-1 num_threads=1 deterministic=true min_data_in_leaf=10 categorical_feature=" +
            string.Join(",", x.CategoricalFeatures);
        using (var data = LightGbmDataset.Create(x, y, parameters))
        using (var booster = LightGbmBooster.Create(data, parameters))
        {
            for (int i = 0; i < 40; i++) booster.UpdateOneIteration();
            _modelText = booster.SaveToString();
            LightGbmModelFolder.Save(folder, _modelText,
                new LightGbmModelInfo(TaskKind.Regression, x.FeatureNames, null, x.CategoricalFeatures) { Loss = "poisson" });
        }
        _encoders.Save(Path.Combine(folder, EncoderSet.FileName));
        _registry.Add(Model, 1, folder);
        _registry.Point(Model, "production", 1);
        _models = new ModelManager(_registry.Resolver, new ModelManagerOptions(AliasPollInterval: Timeout.InfiniteTimeSpan, Predictors: PredictorLoader.Default));
        await _models.LoadAsync(new ModelServeOptions($"{Model}@production"));
        _app = LeptonServer.Build(new ServerOptions { NoAuth = true }, new ServerDependencies(_models, null), b => b.WebHost.UseTestServer());
        await _app.StartAsync();
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _models.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    // LightGBM's own raw scores (the log of the mean count) of the rows, encoded as the server encodes them.
    private double[] RawScores(Table rows)
    {
        using var booster = LightGbmBooster.FromString(_modelText);
        var x = _encoders.Transform(rows);
        return booster.Predict(x.Values, x.Rows, LightGbmPrediction.RawScore);
    }

    [Fact]
    public async Task Predict_AnswersTheCount_AndContributionsAddUpToItsLog()
    {
        var reply = await Requests.PostJson(_client, $"/models/{Model}/predict?contributions=true",
            """{"instances": [{"price": 2.5, "store": "north"}, {"price": 8, "store": "east"}]}""", null);
        Assert.Equal(200, reply.Status);
        var raw = RawScores(new Table([new NumericColumn("price", [2.5, 8]), new StringColumn("store", ColumnKind.Categorical, ["north", "east"])]));
        var predictions = reply.Json.GetProperty("predictions").EnumerateArray().ToArray();
        for (int r = 0; r < 2; r++)
        {
            double value = predictions[r].GetProperty("value").GetDouble();
            Assert.Equal(Math.Exp(raw[r]), value, 4);
            var c = predictions[r].GetProperty("contributions");
            Assert.Equal("log", c.GetProperty("scale").GetString());
            Assert.Equal(Math.Log(value), c.GetProperty("bias").GetDouble() + c.GetProperty("values").EnumerateObject().Sum(p => p.Value.GetDouble()), 4);
        }
        // The cheap north row sells several times what the dear east row does.
        Assert.True(predictions[0].GetProperty("value").GetDouble() > 3 * predictions[1].GetProperty("value").GetDouble());
    }

    [Fact]
    public async Task Infer_AnswersTheCountToo()
    {
        const string body = """
            {"inputs": [
              {"name": "price", "shape": [1], "datatype": "FP64", "data": [2.5]},
              {"name": "store", "shape": [1], "datatype": "BYTES", "data": ["north"]}]}
            """;
        var reply = await Requests.PostJson(_client, $"/v2/models/{Model}/infer", body, null);
        Assert.Equal(200, reply.Status);
        var raw = RawScores(new Table([new NumericColumn("price", [2.5]), new StringColumn("store", ColumnKind.Categorical, ["north"])]));
        var output = reply.Json.GetProperty("outputs").EnumerateArray().First();
        Assert.Equal(Math.Exp(raw[0]), output.GetProperty("data").EnumerateArray().First().GetDouble(), 4);
    }
}
