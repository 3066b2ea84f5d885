using System.Text.Json;
using Lepton.Serving.Tests.Http;

namespace Lepton.Serving.Tests.Dashboard;

/// <summary>GET / and /dashboard.json: who may see them (admin keys, the cookie flow, --no-auth) and what they show.</summary>
public sealed class DashboardEndpointTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    private async Task<HttpClient> ServerWithTrafficAsync(ServerOptions? options = null)
    {
        var client = await fixture.StartTestServerAsync(options);
        for (int i = 0; i < 6; i++)
            Assert.Equal(200, (await Requests.PostJson(client, "/v2/models/tiny/infer", Requests.InferJson(Requests.Pixels(i)), fixture.AdminKey)).Status);
        return client;
    }

    [Fact]
    public async Task WithoutAKey_Is401_WithAPageSayingHowToPassOne()
    {
        var client = await fixture.StartTestServerAsync();
        var page = await Requests.Get(client, "/", null);
        Assert.Equal(401, page.Status);
        Assert.StartsWith("text/html", page.Header("Content-Type"));
        Assert.Contains("Authorization: Bearer", page.Body);
        Assert.Contains("/?key=", page.Body);
        Assert.Equal("Bearer", page.Header("WWW-Authenticate"));
        var json = await Requests.Get(client, "/dashboard.json", null);
        Assert.Equal(401, json.Status);
        Assert.Contains("admin", json.Error);
        Assert.Equal(401, (await Requests.Get(client, "/", "lk_" + new string('0', 64))).Status);
    }

    [Fact]
    public async Task PredictKey_Is403_AdminKey_Is200()
    {
        var client = await fixture.StartTestServerAsync();
        Assert.Equal(403, (await Requests.Get(client, "/", fixture.PredictKey)).Status);
        Assert.Equal(403, (await Requests.Get(client, "/dashboard.json", fixture.PredictKey)).Status);
        var page = await Requests.Get(client, "/", fixture.AdminKey);
        Assert.Equal(200, page.Status);
        Assert.StartsWith("text/html", page.Header("Content-Type"));
        Assert.Equal(200, (await Requests.Get(client, "/dashboard.json", fixture.AdminKey)).Status);
    }

    [Fact]
    public async Task KeyInTheQuery_BecomesAnHttpOnlyStrictCookie_AndLeavesTheUrl()
    {
        var client = await fixture.StartTestServerAsync();
        var redirect = await Requests.Get(client, "/?key=" + Uri.EscapeDataString(fixture.AdminKey), null);
        Assert.Equal(302, redirect.Status);
        Assert.Equal("/", redirect.Header("Location"));
        string cookie = redirect.Message.Headers.GetValues("Set-Cookie").Single();
        Assert.StartsWith("lepton_dashboard_key=", cookie);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);

        string pair = cookie.Split(';')[0];
        var page = await Requests.Send(client, HttpMethod.Get, "/", null, null, r => r.Headers.Add("Cookie", pair));
        Assert.Equal(200, page.Status);
        Assert.Contains("<h2>tiny</h2>", page.Body);
        var json = await Requests.Send(client, HttpMethod.Get, "/dashboard.json", null, null, r => r.Headers.Add("Cookie", pair));
        Assert.Equal(200, json.Status);

        Assert.Equal(403, (await Requests.Get(client, "/?key=" + Uri.EscapeDataString(fixture.PredictKey), null)).Status);
        Assert.Equal(401, (await Requests.Get(client, "/?key=not-a-key", null)).Status);
        Assert.Equal(401, (await Requests.Send(client, HttpMethod.Get, "/", null, null, r => r.Headers.Add("Cookie", "lepton_dashboard_key=bad"))).Status);
    }

    [Fact]
    public async Task Page_ShowsEverySection_WithTextEncoded()
    {
        var client = await ServerWithTrafficAsync();
        var page = await Requests.Get(client, "/", fixture.AdminKey);
        string html = page.Body;
        Assert.Contains("<meta http-equiv=\"refresh\" content=\"15\">", html);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("src=\"http", html);
        Assert.Contains("default-src 'none'", page.Header("Content-Security-Policy"));
        // Versions and aliases, served status and traffic split.
        Assert.Contains("<span class=\"alias alias-production\">production</span>", html);
        Assert.Contains("<span class=\"alias alias-staging\">staging</span>", html);
        Assert.Contains("canary <code>tiny@staging</code> taking 25.0% of requests", html);
        Assert.Contains("ready, primary</td><td>75.0%", html);
        Assert.Contains("ready, canary</td><td>25.0%", html);
        // Lineage down to the base dataset and the code version.
        Assert.Contains("dataset <strong>tiny-feedback@2</strong>", html);
        Assert.Contains("dataset <strong>tiny-feedback@1</strong>", html);
        Assert.Contains("dataset <strong>toy@1</strong>", html);
        Assert.Contains("built on <strong>toy@1</strong>", html);
        Assert.Contains("<code>abc1234</code>", html);
        Assert.Contains("<b>optimizer</b>=adam", html);
        // Training curves, evaluation, live metrics, decisions, alerts and the contributed panel.
        Assert.Contains("train &lt;tiny&gt; &amp; co", html);
        Assert.DoesNotContain("<tiny>", html);
        Assert.Contains("<path class=\"series\" data-series=\"train loss\"", html);
        Assert.Contains("<path class=\"series\" data-series=\"validation accuracy\"", html);
        Assert.Contains("<table class=\"confusion\">", html);
        Assert.Contains("<table class=\"live\">", html);
        Assert.Contains("by &lt;b&gt;4&lt;/b&gt; points", html);
        Assert.Contains("drift.psi &gt; 0.2", html);
        Assert.Contains("<h3>Drift &lt;&amp; friends&gt;</h3><p class=\"fake-panel\">drift of tiny is fine</p>", html);
        Requests.AssertNoLeaks(page);
    }

    [Fact]
    public async Task Json_HoldsTheSameData()
    {
        var client = await ServerWithTrafficAsync();
        var reply = await Requests.Get(client, "/dashboard.json", fixture.AdminKey);
        Assert.Equal(200, reply.Status);
        var model = reply.Json.GetProperty("models").EnumerateArray().Single();
        Assert.Equal("tiny", model.GetProperty("name").GetString());
        var versions = model.GetProperty("versions").EnumerateArray().ToList();
        Assert.Equal([2, 1], versions.Select(v => v.GetProperty("version").GetInt32()));
        Assert.Equal("production", versions[1].GetProperty("aliases")[0].GetString());
        Assert.Equal(0.75, versions[1].GetProperty("traffic_share").GetDouble(), 9);
        var evaluation = model.GetProperty("evaluation");
        Assert.Equal(6, evaluation.GetProperty("confusion_matrix")[1][1].GetInt64());
        var run = model.GetProperty("runs").EnumerateArray().Single();
        Assert.Equal(fixture.RunId, run.GetProperty("run_id").GetString());
        Assert.Equal(["production", "staging"], run.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        var loss = run.GetProperty("series").EnumerateArray().Single(s => s.GetProperty("key").GetString() == "loss");
        Assert.Equal([1.0, 0.6, 0.4], loss.GetProperty("points").EnumerateArray().Select(p => p.GetProperty("value").GetDouble()));
        var lineage = model.GetProperty("lineage");
        Assert.Equal(["tiny-feedback@2", "tiny-feedback@1", "toy@1"], lineage.GetProperty("datasets").EnumerateArray().Select(d => d.GetProperty("ref").GetString()));
        long served = model.GetProperty("live").EnumerateArray().Sum(v => v.GetProperty("inference_requests").GetInt64());
        Assert.True(served >= 6, $"live inference requests {served}");
        Assert.Equal("promote", model.GetProperty("decisions")[0].GetProperty("decision").GetString());
        Assert.Equal(JsonValueKind.Array, reply.Json.GetProperty("panels").ValueKind);
        Assert.True(reply.Json.GetProperty("uptime_seconds").GetDouble() >= 0);
    }

    [Fact]
    public async Task NoAuth_OpensTheDashboard_AndOtherEndpointsKeepTheirRules()
    {
        var open = await fixture.StartTestServerAsync(new ServerOptions { NoAuth = true });
        Assert.Equal(200, (await Requests.Get(open, "/", null)).Status);
        Assert.Equal(200, (await Requests.Get(open, "/dashboard.json", null)).Status);

        var keyed = await fixture.StartTestServerAsync();
        Assert.Equal(200, (await Requests.Get(keyed, "/metrics", null)).Status);
        Assert.Equal(401, (await Requests.PostJson(keyed, "/v2/models/tiny/infer", Requests.InferJson(Requests.Pixels()), null)).Status);
        Assert.Equal(404, (await Requests.Get(keyed, "/no-such-page", fixture.AdminKey)).Status);
    }

    [Fact]
    public async Task WithoutTheRegistry_ShowsLiveServingDataOnly()
    {
        var client = await fixture.StartTestServerAsync(withRegistry: false);
        Assert.Equal(200, (await Requests.PostJson(client, "/v2/models/tiny/infer", Requests.InferJson(Requests.Pixels()), fixture.AdminKey)).Status);
        var page = await Requests.Get(client, "/", fixture.AdminKey);
        Assert.Equal(200, page.Status);
        Assert.Contains("without the registry", page.Body);
        Assert.Contains("<h2>tiny</h2>", page.Body);
        Assert.Contains("<table class=\"live\">", page.Body);
        Assert.Contains("ready, primary", page.Body);
    }
}
