using System.Globalization;
using System.Text;
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
/// A table model folder (LightGBM trees + encoders.json) served with its encoders replayed: rows as JSON objects, one OIP input per
/// raw column, the encoded single-tensor form, contributions per raw column, and bad rows answered with a 4xx naming the column.
/// </summary>
public sealed class TableServingTests : IAsyncLifetime
{
    private const string Model = "churn";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "lepton-table-serving", Guid.NewGuid().ToString("N"));
    private readonly FakeRegistry _registry = new();
    private ModelManager _models = null!;
    private WebApplication _app = null!;
    private HttpClient _client = null!;
    private string _folder = "";
    private EncoderSet _encoders = null!;

    public async Task InitializeAsync()
    {
        _folder = Path.Combine(_root, "v1");
        var rng = new Random(5);
        int n = 400;
        string[] plans = ["basic", "pro", "team"];
        var age = new double[n];
        var plan = new string?[n];
        var signup = new DateTime?[n];
        var active = new bool?[n];
        var y = new float[n];
        for (int i = 0; i < n; i++)
        {
            age[i] = i % 13 == 0 ? double.NaN : 18 + rng.Next(60);
            plan[i] = i % 17 == 0 ? null : plans[rng.Next(3)];
            signup[i] = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(rng.Next(1500));
            active[i] = rng.Next(2) == 0;
            // Churn: basic plans of younger, inactive customers.
            double score = (plan[i] == "basic" ? 1.5 : 0) + (age[i] < 35 ? 1 : 0) + (active[i] == false ? 0.8 : 0) + rng.NextDouble();
            y[i] = score > 2 ? 1 : 0;
        }
        var table = new Table([new NumericColumn("age", age), new StringColumn("plan", ColumnKind.Categorical, plan),
            new DateTimeColumn("signup", signup), new BooleanColumn("active", active)]);
        _encoders = EncoderSet.Fit(table, ["age", "plan", "signup", "active"], new EncoderOptions(EncoderMode.Trees));
        var x = _encoders.Transform(table);
        string parameters = "objective=binary verbosity=-1 num_threads=1 deterministic=true min_data_in_leaf=5 categorical_feature=" +
            string.Join(",", x.CategoricalFeatures);
        using (var data = LightGbmDataset.Create(x, y, parameters))
        using (var booster = LightGbmBooster.Create(data, parameters))
        {
            for (int i = 0; i < 25; i++) booster.UpdateOneIteration();
            LightGbmModelFolder.Save(_folder, booster.SaveToString(),
                new LightGbmModelInfo(TaskKind.Binary, x.FeatureNames, ["stay", "churn"], x.CategoricalFeatures));
        }
        _encoders.Save(Path.Combine(_folder, EncoderSet.FileName));
        _registry.Add(Model, 1, _folder);
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

    private const string Rows = """
        [{"age": 24, "plan": "basic", "signup": "2023-05-01T10:00:00Z", "active": false},
         {"age": 61, "plan": "team", "signup": "2021-02-11T08:30:00Z", "active": true},
         {"plan": "pro"},
         {"age": null, "plan": "enterprise", "signup": null, "active": "yes"}]
        """;

    private static IReadOnlyList<IReadOnlyDictionary<string, object?>> RowObjects() =>
    [
        new Dictionary<string, object?> { ["age"] = 24.0, ["plan"] = "basic", ["signup"] = "2023-05-01T10:00:00Z", ["active"] = false },
        new Dictionary<string, object?> { ["age"] = 61.0, ["plan"] = "team", ["signup"] = "2021-02-11T08:30:00Z", ["active"] = true },
        new Dictionary<string, object?> { ["plan"] = "pro" },
        new Dictionary<string, object?> { ["age"] = null, ["plan"] = "enterprise", ["signup"] = null, ["active"] = "yes" },
    ];

    private double[] ExpectedChurnProbabilities()
    {
        using var predictor = LightGbmPredictor.Load(_folder);
        return predictor.Probabilities(_encoders.Transform(RowObjects()));
    }

    // A binary answer's probability is the positive class's (churn), whichever label won.
    private static double ChurnProbability(JsonElement prediction) => prediction.GetProperty("probability").GetDouble();

    [Fact]
    public async Task Predict_RowObjects_AreEncodedAsTrainingEncodedThem()
    {
        var reply = await Requests.PostJson(_client, $"/models/{Model}/predict", $$"""{"instances": {{Rows}}}""", null);
        Assert.Equal(200, reply.Status);
        var expected = ExpectedChurnProbabilities();
        var predictions = reply.Json.GetProperty("predictions").EnumerateArray().ToArray();
        Assert.Equal(4, predictions.Length);
        for (int r = 0; r < 4; r++) Assert.Equal(expected[r], ChurnProbability(predictions[r]), 5);
        // The model learnt something: the young basic inactive customer churns, the older active team customer stays.
        Assert.True(expected[0] > 0.5 && expected[1] < 0.5, $"p(churn) = {expected[0]}, {expected[1]}");
    }

    [Theory]
    [InlineData("?explain=true", "", "Unknown query parameter 'explain'; /models/churn/predict takes top_k and contributions.")]
    [InlineData("", ", \"parameters\": {\"contribution\": true}", "Unknown parameter 'contribution'; a table request's parameters are contributions and strict.")]
    public async Task Predict_MisspeltOption_400NamesTheKnownOnes(string query, string parameters, string message)
    {
        var reply = await Requests.PostJson(_client, $"/models/{Model}/predict{query}", $$"""{"instances": {{Rows}}{{parameters}}}""", null);
        Assert.Equal(400, reply.Status);
        Assert.Equal(message, reply.Json.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Predict_WithContributions_PerRawColumnSumToTheLogit()
    {
        var reply = await Requests.PostJson(_client, $"/models/{Model}/predict?contributions=true", $$"""{"instances": {{Rows}}}""", null);
        Assert.Equal(200, reply.Status);
        var expected = ExpectedChurnProbabilities();
        var predictions = reply.Json.GetProperty("predictions").EnumerateArray().ToArray();
        for (int r = 0; r < 4; r++)
        {
            var c = predictions[r].GetProperty("contributions");
            var values = c.GetProperty("values").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
            // Raw columns, not encoded features: the date-time's parts are summed back into 'signup'.
            Assert.Equal(["age", "plan", "signup", "active"], values.Keys);
            double logit = Math.Log(expected[r] / (1 - expected[r]));
            Assert.Equal(logit, c.GetProperty("bias").GetDouble() + values.Values.Sum(), 6);
        }
        // Row 2 sent only 'plan': its other columns still contribute (as missing), and plan moves its score.
        Assert.NotEqual(0, predictions[0].GetProperty("contributions").GetProperty("values").GetProperty("plan").GetDouble());
    }

    [Fact]
    public async Task Explain_OneRow_AnswersItsPredictionAndPerColumnContributions()
    {
        var reply = await Requests.PostJson(_client, $"/models/{Model}/explain", """{"instances": [{"age": 24, "plan": "basic", "signup": "2023-05-01T10:00:00Z", "active": false}]}""", null);
        Assert.Equal(200, reply.Status);
        Assert.Equal("table", reply.Json.GetProperty("input_kind").GetString());
        Assert.Equal("tree-shap", reply.Json.GetProperty("method").GetString());
        double p = ExpectedChurnProbabilities()[0];
        Assert.Equal(p, ChurnProbability(reply.Json), 5);
        var c = reply.Json.GetProperty("contributions");
        var values = c.GetProperty("values").EnumerateObject().ToDictionary(x => x.Name, x => x.Value.GetDouble());
        Assert.Equal(["age", "plan", "signup", "active"], values.Keys);
        Assert.Equal(Math.Log(p / (1 - p)), c.GetProperty("bias").GetDouble() + values.Values.Sum(), 6);

        var two = await Requests.PostJson(_client, $"/models/{Model}/explain", $$"""{"instances": {{Rows}}}""", null);
        Assert.Equal(400, two.Status);
        Assert.Contains("one row at a time", two.Body);
        var picture = await Requests.PostJson(_client, $"/models/{Model}/explain?format=png", """{"instances": [{"plan": "pro"}]}""", null);
        Assert.Equal(400, picture.Status);
    }

    [Fact]
    public async Task Infer_OneInputPerColumn_AnswersAsPredictDoes_WithContributionsInParameters()
    {
        const string body = """
            {"inputs": [
              {"name": "age", "shape": [2], "datatype": "FP64", "data": [24, 61]},
              {"name": "plan", "shape": [2], "datatype": "BYTES", "data": ["basic", "team"]},
              {"name": "signup", "shape": [2, 1], "datatype": "BYTES", "data": [["2023-05-01T10:00:00Z"], ["2021-02-11T08:30:00Z"]]},
              {"name": "active", "shape": [2], "datatype": "BOOL", "data": [false, true]},
              {"name": "customer_id", "shape": [2], "datatype": "BYTES", "data": ["c-1", "c-2"]}],
             "parameters": {"contributions": true}}
            """;
        var reply = await Requests.PostJson(_client, $"/v2/models/{Model}/infer", body, null);
        Assert.Equal(200, reply.Status);
        var expected = ExpectedChurnProbabilities();
        var parameters = reply.Json.GetProperty("parameters");
        Assert.Equal(["customer_id"], parameters.GetProperty("ignored_columns").EnumerateArray().Select(e => e.GetString()));
        var contributions = parameters.GetProperty("contributions").EnumerateArray().ToArray();
        Assert.Equal(2, contributions.Length);
        for (int r = 0; r < 2; r++)
        {
            double logit = Math.Log(expected[r] / (1 - expected[r]));
            Assert.Equal(logit, contributions[r].GetProperty("bias").GetDouble() + contributions[r].GetProperty("values").EnumerateObject().Sum(p => p.Value.GetDouble()), 5);
        }
    }

    [Fact]
    public async Task Infer_EncodedFeaturesTensor_IsTheSingleTensorForm()
    {
        var x = _encoders.Transform(RowObjects().Take(2).ToList());
        string data = string.Join(",", x.Values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
        var reply = await Requests.PostJson(_client, $"/v2/models/{Model}/infer",
            $$"""{"inputs": [{"name": "features", "shape": [2, {{x.Columns}}], "datatype": "FP32", "data": [{{data}}]}]}""", null);
        Assert.Equal(200, reply.Status);
        var expected = ExpectedChurnProbabilities();
        var probabilities = reply.Json.GetProperty("outputs").EnumerateArray().First(o => o.GetProperty("name").GetString() == "probability");
        Assert.Equal(expected[0], probabilities.GetProperty("data")[0].GetDouble(), 5);
    }

    [Fact]
    public void EncodersInAnotherOrderThanTheBooster_AreRefusedAtLoad()
    {
        string copy = Path.Combine(_root, "swapped");
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(_folder)) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        // Same width, two features swapped: the widths agree, the names do not.
        string spec = File.ReadAllText(Path.Combine(copy, ModelFile.SpecFileName));
        File.WriteAllText(Path.Combine(copy, ModelFile.SpecFileName), spec.Replace("\"age\"", "\"tmp\"").Replace("\"plan\"", "\"age\"").Replace("\"tmp\"", "\"plan\""));
        using var predictor = PredictorLoader.Default.Load(copy);
        var e = Assert.Throws<InvalidDataException>(() => Lepton.Runtime.Tables.TableInputEncoder.TryLoad(copy, predictor.Signature));
        Assert.Contains("feature_names", e.Message);
    }

    [Fact]
    public async Task Metadata_ListsTheRawColumnsWithTheirDatatypes()
    {
        var reply = await Requests.Get(_client, $"/v2/models/{Model}", null);
        Assert.Equal(200, reply.Status);
        var inputs = reply.Json.GetProperty("inputs").EnumerateArray().Select(i => (i.GetProperty("name").GetString(), i.GetProperty("datatype").GetString())).ToArray();
        Assert.Equal([("age", "FP64"), ("plan", "BYTES"), ("signup", "BYTES"), ("active", "BOOL")], inputs);
    }

    [Fact]
    public async Task UnknownColumns_AreIgnoredAndListed_OrRefusedInStrictMode()
    {
        var lenient = await Requests.PostJson(_client, $"/models/{Model}/predict", """{"instances": [{"age": 30, "plann": "pro", "id": 7}]}""", null);
        Assert.Equal(200, lenient.Status);
        Assert.Equal(["id", "plann"], lenient.Json.GetProperty("ignored_columns").EnumerateArray().Select(e => e.GetString()));
        var strict = await Requests.PostJson(_client, $"/models/{Model}/predict",
            """{"instances": [{"age": 30, "plann": "pro"}], "parameters": {"strict": true}}""", null);
        Assert.Equal(400, strict.Status);
        Assert.Contains("'plann'", strict.Body);
    }

    [Theory]
    [InlineData("""{"instances": [{"age": "old"}]}""", "'age'")]
    [InlineData("""{"instances": [{"age": "Infinity"}]}""", "'age'")]
    [InlineData("""{"instances": [{"signup": 5}]}""", "'signup'")]
    [InlineData("""{"instances": [{"active": "maybe"}]}""", "'active'")]
    [InlineData("""{"instances": [{"plan": ["a", "b"]}]}""", "'plan'")]
    [InlineData("""{"instances": [{"age": NaN}]}""", "Malformed JSON")]
    [InlineData("""{"instances": [[24, 1, 2]]}""", "object of column values")]
    [InlineData("""{"instances": [{"age": 1}, {"age": "x"}]}""", "Row 1")]
    public async Task BadRows_Get400NamingTheColumn(string body, string expected)
    {
        var reply = await Requests.PostJson(_client, $"/models/{Model}/predict", body, null);
        Assert.Equal(400, reply.Status);
        Assert.Contains(expected, reply.Body);
        Requests.AssertNoLeaks(reply);
    }

    private Task<Reply> PostCsv(string csv, string query = "") =>
        Requests.Send(_client, HttpMethod.Post, $"/models/{Model}/predict{query}", new StringContent(csv, System.Text.Encoding.UTF8, "text/csv"), null);

    [Fact]
    public async Task Predict_CsvBody_AnswersAsTheSameRowsAsJson_SemicolonsAndDecimalCommasToo()
    {
        // The JSON rows as a spreadsheet exports them: an extra id column (ignored, echoed), blanks and NA as missing, yes for true.
        string csv = "customer,age,plan,signup,active\nc1,24,basic,2023-05-01T10:00:00Z,false\nc2,61,team,2021-02-11T08:30:00Z,true\nc3,,pro,,\nc4,NA,enterprise,,yes\n";
        var expected = ExpectedChurnProbabilities();
        foreach (var body in new[] { csv, csv.Replace(',', ';').Replace("61;", "61,0;") })
        {
            var reply = await PostCsv(body, "?contributions=true");
            Assert.True(reply.Status == 200, reply.Body);
            var predictions = reply.Json.GetProperty("predictions").EnumerateArray().ToArray();
            Assert.Equal(4, predictions.Length);
            for (int r = 0; r < 4; r++) Assert.Equal(expected[r], ChurnProbability(predictions[r]), 5);
            Assert.True(predictions[0].TryGetProperty("contributions", out _));
            Assert.Equal("customer", reply.Json.GetProperty("ignored_columns")[0].GetString());
        }
    }

    [Theory]
    [InlineData("age,plan\nold,basic\n", 400, "'age'")]
    [InlineData("age,plan\n24,basic,extra\n", 400, "CSV line 2 has 3 fields but the header has 2")]
    [InlineData("age,age\n1,2\n", 400, "names 'age' twice")]
    [InlineData("age,plan\n", 400, "No rows")]
    public async Task Predict_BadCsvBody_4xxNamingTheProblem(string csv, int status, string expected)
    {
        var reply = await PostCsv(csv);
        Assert.Equal(status, reply.Status);
        Assert.Contains(expected, reply.Body);
        Requests.AssertNoLeaks(reply);
    }

    [Fact]
    public async Task BadColumnInputs_Get400NamingTheColumn()
    {
        var wrongType = await Requests.PostJson(_client, $"/v2/models/{Model}/infer",
            """{"inputs": [{"name": "signup", "shape": [1], "datatype": "FP64", "data": [3]}]}""", null);
        Assert.Equal(400, wrongType.Status);
        Assert.Contains("'signup'", wrongType.Body);
        var nan = await Requests.PostJson(_client, $"/v2/models/{Model}/infer",
            """{"inputs": [{"name": "age", "shape": [1], "datatype": "FP64", "data": ["NaN"]}]}""", null);
        Assert.Equal(400, nan.Status);
        Assert.Contains("NaN", nan.Body);
        var ragged = await Requests.PostJson(_client, $"/v2/models/{Model}/infer",
            """{"inputs": [{"name": "age", "shape": [1], "datatype": "FP64", "data": [3]}, {"name": "plan", "shape": [2], "datatype": "BYTES", "data": ["a", "b"]}]}""", null);
        Assert.Equal(400, ragged.Status);
        Assert.Contains("'plan'", ragged.Body);
    }

    [Fact]
    public async Task HugeField_AndHugeRow_Get4xxNeverACrash()
    {
        // A 10 MB field is past the server's body limit; a 100 kB one fits the body but not a cell.
        var tenMegabytes = await Requests.PostJson(_client, $"/models/{Model}/predict", $$"""{"instances": [{"plan": "{{new string('x', 10 << 20)}}"}]}""", null);
        Assert.Equal(413, tenMegabytes.Status);
        var bigCell = await Requests.PostJson(_client, $"/models/{Model}/predict", $$"""{"instances": [{"plan": "{{new string('x', 100_000)}}"}]}""", null);
        Assert.Equal(400, bigCell.Status);
        Assert.Contains("'plan'", bigCell.Body);

        var wide = new StringBuilder("{\"instances\": [{");
        for (int i = 0; i < 100_000; i++) wide.Append(i == 0 ? "" : ",").Append("\"c").Append(i).Append("\":1");
        wide.Append("}]}");
        var wideRow = await Requests.PostJson(_client, $"/models/{Model}/predict", wide.ToString(), null);
        Assert.Equal(400, wideRow.Status);
        Assert.Contains("columns", wideRow.Body);

        // The server still answers.
        var ok = await Requests.PostJson(_client, $"/models/{Model}/predict", """{"instances": [{"age": 30}]}""", null);
        Assert.Equal(200, ok.Status);
    }
}
