using System.Globalization;
using Lepton.Engine;
using Lepton.Registry;
using Lepton.Registry.Artifacts;
using Lepton.Registry.Packaging;
using Lepton.Registry.Store;
using Lepton.Runtime.Ensembles;
using Lepton.Serving.Models;
using Lepton.Serving.Tests.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;

namespace Lepton.Serving.Tests.Http;

/// <summary>
/// An ensemble of three registered MLPs registered as a version of its own and served from a real registry through the in-process
/// server: one request fanned out to the members, answered with the mean of their probabilities.
/// </summary>
public sealed class EnsembleServingTests : IAsyncLifetime
{
    private readonly TestModelFolders _folders = new();
    private ModelRegistry _registry = null!;
    private ModelManager _models = null!;
    private WebApplication _app = null!;
    private HttpClient _client = null!;
    private readonly List<string> _memberFolders = [];
    private ModelVersion _ensemble = null!;

    public async Task InitializeAsync()
    {
        var home = Path.Combine(_folders.Root, "home");
        var store = await RegistryStoreFactory.OpenAsync($"sqlite:{Path.Combine(home, "registry.db")}");
        _registry = new ModelRegistry(store, new FileArtifactStore(new FileArtifactStoreOptions(Path.Combine(home, "artifacts"))),
            new ModelPackageOptions(CacheRoot: Path.Combine(home, "cache")));
        var members = new List<(EnsembleMember, string)>();
        foreach (var seed in new ulong[] { 1, 5, 9 })
        {
            string folder = _folders.Mlp(seed);
            _memberFolders.Add(folder);
            var v = await _registry.RegisterAsync($"mlp{seed}", folder, null, null, "test");
            members.Add((new EnsembleMember($"{v.Model}@{v.Version}", v.ArtifactHash), await _registry.Packages.MaterializeAsync(v.ArtifactHash)));
        }
        var ensembleDir = Path.Combine(_folders.Root, "ensemble");
        EnsembleFolder.Write(ensembleDir, EnsembleVote.Soft, members);
        _ensemble = await _registry.RegisterAsync("vote", ensembleDir, null, null, "test");
        // No Predictors given: a registry-backed manager serves ensembles of its versions.
        _models = new ModelManager(_registry, new ModelManagerOptions(AliasPollInterval: Timeout.InfiniteTimeSpan));
        await _models.LoadAsync(new ModelServeOptions("vote@1"));
        _app = LeptonServer.Build(new ServerOptions { NoAuth = true }, new ServerDependencies(_models, null), b => b.WebHost.UseTestServer());
        await _app.StartAsync();
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _models.DisposeAsync();
        await _registry.DisposeAsync();
        _folders.Dispose();
    }

    [Fact]
    public async Task Infer_AnswersTheMeanOfTheMembersProbabilities()
    {
        var x = TestModelFolders.Inputs(3, seed: 4);
        var data = string.Join(",", x.ToArray().Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
        var reply = await Requests.PostJson(_client, "/v2/models/vote/infer",
            $"{{\"inputs\":[{{\"name\":\"x\",\"shape\":[3,2,4],\"datatype\":\"FP32\",\"data\":[{data}]}}]}}", null);
        Assert.True(reply.Status == 200, reply.Body);

        var outputs = reply.Json.GetProperty("outputs").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!);
        var probabilities = outputs["probabilities"].GetProperty("data").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var expected = new double[9];
        foreach (var folder in _memberFolders)
        {
            var p = TestModelFolders.LoadNetwork(folder).Forward(x).Softmax(-1).ToArray();
            for (int i = 0; i < expected.Length; i++) expected[i] += p[i] / _memberFolders.Count;
        }
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], probabilities[i], 5);
        var labels = outputs["label"].GetProperty("data").EnumerateArray().Select(l => l.GetString()).ToArray();
        for (int r = 0; r < 3; r++)
        {
            var row = expected.AsSpan(r * 3, 3).ToArray();
            Assert.Equal(new[] { "a", "b", "c" }[Array.IndexOf(row, row.Max())], labels[r]);
        }
    }

    [Fact]
    public async Task Metadata_NamesTheEnsemblePlatformAndTheRegistryDescribesItsMembers()
    {
        var reply = await Requests.Get(_client, "/v2/models/vote/versions/1", null);
        Assert.Equal(200, reply.Status);
        Assert.Equal("ensemble", reply.Json.GetProperty("platform").GetString());
        var input = Assert.Single(reply.Json.GetProperty("inputs").EnumerateArray());
        Assert.Equal([-1, 2, 4], input.GetProperty("shape").EnumerateArray().Select(v => v.GetInt32()));
        Assert.Equal("ensemble (soft vote) of mlp1@1, mlp5@1, mlp9@1; x (-1,2,4) → (-1,3)", _ensemble.ArchitectureSummary);
    }
}
