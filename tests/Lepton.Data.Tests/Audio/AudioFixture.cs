using System.Text.Json;

namespace Lepton.Data.Tests.Audio;

/// <summary>Fixtures/audio/audio_features.json, made by tools/fixtures/audio_features.py (NumPy and SciPy).</summary>
internal static class AudioFixture
{
    private static readonly Lazy<JsonDocument> Doc = new(() => JsonDocument.Parse(File.ReadAllText(TestData.Fixture("audio/audio_features.json"))));

    public static JsonElement Root => Doc.Value.RootElement;

    public static float[] Floats(JsonElement e) => [.. e.EnumerateArray().Select(v => (float)v.GetDouble())];

    public static double[] Doubles(JsonElement e) => [.. e.EnumerateArray().Select(v => v.GetDouble())];

    public static double[][] Rows(JsonElement e) => [.. e.EnumerateArray().Select(Doubles)];
}
