using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Lepton.Serving.Tests.Http;

/// <summary>A response read in full: status, body text, parsed JSON when the body is JSON, and headers.</summary>
internal sealed record Reply(int Status, string Body, HttpResponseMessage Message)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public string Error => Json.GetProperty("error").GetString()!;

    public string? Header(string name) =>
        Message.Headers.TryGetValues(name, out var v) ? string.Join(",", v)
        : Message.Content.Headers.TryGetValues(name, out var c) ? string.Join(",", c) : null;
}

/// <summary>Small helpers for sending protocol requests in tests.</summary>
internal static class Requests
{
    /// <summary>16 raw pixel values 0, 10, ..., 150 for one (1,4,4) example.</summary>
    public static float[] Pixels(int offset = 0) => [.. Enumerable.Range(0, 16).Select(i => (float)((i * 10 + offset) % 256))];

    public static string InferJson(float[] data, int rows = 1, string? id = null, string extra = "") =>
        $"{{{(id is null ? "" : $"\"id\":\"{id}\",")}\"inputs\":[{{\"name\":\"image\",\"shape\":[{rows},1,4,4],\"datatype\":\"FP32\",\"data\":[{string.Join(",", data.Select(v => v.ToString(CultureInfo.InvariantCulture)))}]}}]{extra}}}";

    public static Task<Reply> Get(HttpClient client, string path, string? key) => Send(client, HttpMethod.Get, path, null, key);

    public static Task<Reply> PostJson(HttpClient client, string path, string json, string? key) =>
        Send(client, HttpMethod.Post, path, new StringContent(json, Encoding.UTF8, "application/json"), key);

    public static async Task<Reply> Send(HttpClient client, HttpMethod method, string path, HttpContent? content, string? key,
        Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        configure?.Invoke(request);
        var response = await client.SendAsync(request);
        return new Reply((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    /// <summary>No stack trace lines and no absolute file system paths in a client-facing body.</summary>
    public static void AssertNoLeaks(Reply reply)
    {
        Assert.DoesNotContain("   at ", reply.Body);
        Assert.DoesNotContain(Path.GetTempPath(), reply.Body);
        Assert.DoesNotContain("/home/", reply.Body);
        Assert.DoesNotContain("/tmp/", reply.Body);
        Assert.DoesNotContain(".cs:line", reply.Body);
    }
}
