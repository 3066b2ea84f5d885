using System.Buffers.Binary;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Lepton.Data.Audio;
using Lepton.Data.Audio.Features;
using Lepton.Data.Audio.Wav;
using Lepton.Engine;
using Lepton.NN.Presets;
using Lepton.Runtime;
using Lepton.Runtime.Audio;
using Lepton.Serving.Models;
using Lepton.Serving.Tests.Models;
using Lepton.Tests.Shared;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;

namespace Lepton.Serving.Tests.Http;

/// <summary>
/// A keyword model served with its own feature spec: a WAV of any rate and length goes in raw (audio/wav) or as a multipart
/// file, features or raw samples over OIP v2, and each comes out with the logits the network computes on the features the
/// training path gives (<see cref="AudioFeatureExtractor.ComputeFixed"/>). A header declaring 10 hours is refused (413)
/// before decoding; truncated, non-WAV and zero-length uploads are 400s naming the problem, with no path or stack trace.
/// </summary>
public sealed class AudioServingTests : IAsyncLifetime
{
    private const double ClipSeconds = 0.5;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "lepton-audio-serving", Guid.NewGuid().ToString("N"));
    private readonly FakeRegistry _registry = new();
    private readonly AudioFeatureSpec _spec = new(SampleRate: 16000, NMels: 40);
    private ModelManager _models = null!;
    private WebApplication _app = null!;
    private HttpClient _client = null!;
    private IPredictor _reference = null!;

    public async Task InitializeAsync()
    {
        var encoder = AudioInputEncoder.Create(_spec, ClipSeconds, maxSeconds: 5);
        var model = AudioPresets.Build("kws-ds-cnn", encoder.Frames, _spec.Bins, SyntheticCommands.Labels.Count, new Generator(7));
        string dir = Path.Combine(_root, "kws");
        AudioModelFolder.Save(dir, model, encoder, SyntheticCommands.Labels);
        _registry.Add("kws", 1, dir);
        _reference = PredictorLoader.Default.Load(dir);
        _models = new ModelManager(_registry.Resolver, new ModelManagerOptions(AliasPollInterval: Timeout.InfiniteTimeSpan));
        await _models.LoadAsync(new ModelServeOptions("kws@1", MaxBatchSize: 8));
        _app = LeptonServer.Build(new ServerOptions { NoAuth = true, MaxRequestBodyBytes = 1 << 20 }, new ServerDependencies(_models, null, null), b => b.WebHost.UseTestServer());
        await _app.StartAsync();
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _models.DisposeAsync();
        _reference.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    private static float[] Clip(string label, int rate, double seconds, int seed) => SyntheticCommands.Clip(label, 1.1, rate, seconds, new Random(seed));

    // The logits of one clip computed directly: resample, cut or pad to 0.5 s, features, the network.
    private float[] Expected(AudioClip clip)
    {
        var f = new AudioFeatureExtractor(_spec).ComputeFixed(clip, (int)(ClipSeconds * _spec.SampleRate));
        return _reference.Predict(new TensorSet([Tensor.FromArray(f.Values, 1, 1, f.Frames, f.Bins)]))[0].ToArray();
    }

    private static float[] Softmax(float[] logits)
    {
        double max = logits.Max();
        var e = logits.Select(v => Math.Exp(v - max)).ToArray();
        return [.. e.Select(v => (float)(v / e.Sum()))];
    }

    private static ByteArrayContent Wav(byte[] bytes, string type = "audio/wav")
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(type);
        return content;
    }

    private static void AssertPrediction(Reply reply, float[] expectedLogits)
    {
        Assert.True(reply.Status == 200, reply.Body);
        var probabilities = Softmax(expectedLogits);
        int best = Array.IndexOf(probabilities, probabilities.Max());
        var row = reply.Json.GetProperty("predictions")[0];
        Assert.Equal(SyntheticCommands.Labels[best], row.GetProperty("label").GetString());
        Assert.Equal(probabilities[best], row.GetProperty("probability").GetSingle(), 1e-4f);
    }

    [Theory]
    [InlineData(16000, 0.5, "audio/wav")]
    [InlineData(44100, 0.9, "audio/x-wav")]
    [InlineData(8000, 0.3, "application/octet-stream")]
    public async Task Predict_RawWavOfAnyRateAndLength_AnswersWhatTheNetworkGivesOnTheTrainingFeatures(int rate, double seconds, string type)
    {
        var samples = Clip("up", rate, seconds, rate);
        var reply = await Requests.Send(_client, HttpMethod.Post, "/models/kws/predict", Wav(WavWriter.ToBytes(samples, rate), type), null);
        AssertPrediction(reply, Expected(new AudioClip(samples, rate)));
    }

    [Fact]
    public async Task Predict_MultipartWavFile_AnswersLikeTheRawBody()
    {
        var samples = Clip("beep", 22050, 0.6, 3);
        var bytes = WavWriter.ToBytes(samples, 22050, WavSampleFormat.Float);
        using var form = new MultipartFormDataContent { { new ByteArrayContent(bytes), "file", "beep.wav" } };
        var reply = await Requests.Send(_client, HttpMethod.Post, "/models/kws/predict", form, null);
        AssertPrediction(reply, Expected(new AudioClip(samples, 22050)));
    }

    [Fact]
    public async Task Infer_FeaturesTensorAndWaveform_GiveTheNetworksLogits()
    {
        var a = Clip("down", 16000, 0.5, 11);
        var b = Clip("silence", 16000, 0.5, 12);
        var expected = new[] { Expected(new AudioClip(a, 16000)), Expected(new AudioClip(b, 16000)) };

        // waveform: (2, 8000) mono samples at the model's rate.
        string data = string.Join(",", a.Concat(b).Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
        string body = $"{{\"inputs\":[{{\"name\":\"waveform\",\"shape\":[2,8000],\"datatype\":\"FP32\",\"data\":[{data}]}}],\"outputs\":[{{\"name\":\"logits\"}}]}}";
        var reply = await Requests.PostJson(_client, "/v2/models/kws/infer", body, null);
        Assert.True(reply.Status == 200, reply.Body);
        AssertLogits(reply, expected);

        // features: (2,1,frames,bins) computed by the client as the spec says.
        var extractor = new AudioFeatureExtractor(_spec);
        var features = new[] { a, b }.SelectMany(x => extractor.ComputeFixed(new AudioClip(x, 16000), 8000).Values).ToArray();
        int frames = _spec.Frames(8000);
        data = string.Join(",", features.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
        body = $"{{\"inputs\":[{{\"name\":\"features\",\"shape\":[2,1,{frames},40],\"datatype\":\"FP32\",\"data\":[{data}]}}],\"outputs\":[{{\"name\":\"logits\"}}]}}";
        reply = await Requests.PostJson(_client, "/v2/models/kws/infer", body, null);
        Assert.True(reply.Status == 200, reply.Body);
        AssertLogits(reply, expected);

        // The metadata lists both ways in.
        var metadata = await Requests.Get(_client, "/v2/models/kws", null);
        var inputs = metadata.Json.GetProperty("inputs").EnumerateArray().Select(i => i.GetProperty("name").GetString()).ToList();
        Assert.Equal(["features", "waveform"], inputs);
    }

    private static void AssertLogits(Reply reply, float[][] expected)
    {
        var logits = reply.Json.GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("name").GetString() == "logits");
        var got = logits.GetProperty("data").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        int width = expected[0].Length;
        for (int r = 0; r < expected.Length; r++)
            for (int c = 0; c < width; c++) Assert.Equal(expected[r][c], got[r * width + c], 1e-4f);
    }

    // A 44-byte PCM header declaring dataBytes of 16-bit mono samples at 16 kHz, followed by bodyBytes zero bytes.
    private static byte[] Header(uint dataBytes, int bodyBytes)
    {
        var h = new byte[44 + bodyBytes];
        Encoding.ASCII.GetBytes("RIFF").CopyTo(h, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(4), 36 + dataBytes);
        Encoding.ASCII.GetBytes("WAVEfmt ").CopyTo(h, 8);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(16), 16);
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(20), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(22), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(24), 16000);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(28), 32000);
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(32), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(34), 16);
        Encoding.ASCII.GetBytes("data").CopyTo(h, 36);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(40), dataBytes);
        return h;
    }

    public static TheoryData<string, int, string> Refusals => new()
    {
        { "ten-hours", 413, "declares 36000 s of audio; the limit is 5 s" },
        { "truncated", 400, "the file is truncated" },
        { "not-wav", 400, "is not a WAV file" },
        { "zero-length", 400, "zero-length clip" },
        { "empty", 400, "is empty" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Predict_BadWav_RefusedNamingTheProblemWithoutLeaks(string kind, int status, string message)
    {
        byte[] bytes = kind switch
        {
            "ten-hours" => Header(16000u * 2 * 36_000, 1000),       // 10 h declared, 1,000 bytes sent
            "truncated" => Header(16000u * 2, 3000),                // 1 s declared, 3,000 bytes sent
            "not-wav" => Encoding.UTF8.GetBytes("ID3 this is an MP3, honest"),
            "zero-length" => Header(0, 0),
            _ => [],
        };
        foreach (var multipart in new[] { false, true })
        {
            HttpContent content = multipart
                ? new MultipartFormDataContent { { new ByteArrayContent(bytes), "file", "clip.wav" } }
                : Wav(bytes);
            var reply = await Requests.Send(_client, HttpMethod.Post, "/models/kws/predict", content, null);
            Assert.True(reply.Status == status, $"{kind} (multipart {multipart}): {reply.Status} {reply.Body}");
            Assert.Contains(message, reply.Error);
            Requests.AssertNoLeaks(reply);
        }
    }

    [Fact]
    public async Task Predict_WavToAnImageModelOrImageToTheAudioModel_Is415()
    {
        var reply = await Requests.Send(_client, HttpMethod.Post, "/models/kws/predict", Wav(Encoding.UTF8.GetBytes("hello"), "text/plain"), null);
        Assert.Equal(415, reply.Status);
        Assert.Contains("audio model", reply.Error);
    }

    [Fact]
    public async Task Infer_WaveformLongerThanTheLimitOrNotFinite_Is400()
    {
        string body = $"{{\"inputs\":[{{\"name\":\"waveform\",\"shape\":[1,3],\"datatype\":\"FP32\",\"data\":[0.1,\"NaN\",0.2]}}]}}";
        var reply = await Requests.PostJson(_client, "/v2/models/kws/infer", body, null);
        Assert.Equal(400, reply.Status);
        body = "{\"inputs\":[{\"name\":\"waveform\",\"shape\":[8000],\"datatype\":\"FP32\",\"data\":[" + string.Join(",", Enumerable.Repeat("0", 8000)) + "]}]}";
        reply = await Requests.PostJson(_client, "/v2/models/kws/infer", body, null);
        Assert.Equal(400, reply.Status);
        Assert.Contains("[N,S]", reply.Error);
        Requests.AssertNoLeaks(reply);
    }
}
