using Lepton.Data.Audio.Wav;

namespace Lepton.Tests.Shared;

/// <summary>
/// A tiny synthetic "spoken command" set the audio tests write with <see cref="WavWriter"/> (no espeak-ng): <c>up</c> (a
/// rising chirp), <c>down</c> (a falling one), <c>beep</c> (two short tones), <c>unknown</c> (a steady tone) and
/// <c>silence</c> (background noise only). Each "speaker" shifts every frequency by its own factor; each take draws the
/// onset, the level and the background noise from a seeded generator, so the same arguments write the same files.
/// </summary>
public static class SyntheticCommands
{
    public static IReadOnlyList<string> Labels { get; } = ["up", "down", "beep", "unknown", "silence"];

    /// <summary>
    /// Writes <paramref name="speakers"/> x <paramref name="takes"/> clips per label of <paramref name="seconds"/> s at
    /// <paramref name="rate"/> Hz under <paramref name="root"/>/&lt;label&gt;/ and a manifest.csv (path,label,speaker); returns its path.
    /// </summary>
    public static string WriteSet(string root, int speakers, int takes, int rate = 16000, double seconds = 0.5, int seed = 5)
    {
        var rng = new Random(seed);
        var lines = new List<string> { "path,label,speaker" };
        for (int s = 0; s < speakers; s++)
        {
            double voice = 0.8 + 0.45 * s / Math.Max(1, speakers - 1);
            foreach (var label in Labels)
            {
                Directory.CreateDirectory(Path.Combine(root, label));
                for (int t = 0; t < takes; t++)
                {
                    string rel = $"{label}/spk{s}_{t}.wav";
                    WavWriter.Write(Path.Combine(root, rel), Clip(label, voice, rate, seconds, rng), rate);
                    lines.Add($"{rel},{label},spk{s}");
                }
            }
        }
        string manifest = Path.Combine(root, "manifest.csv");
        File.WriteAllLines(manifest, lines);
        return manifest;
    }

    /// <summary>One clip of <paramref name="label"/> by a voice of frequency factor <paramref name="voice"/>, with its event in the first 0.4 s.</summary>
    public static float[] Clip(string label, double voice, int rate, double seconds, Random rng)
    {
        int n = (int)Math.Round(seconds * rate);
        var x = new float[n];
        double noise = 0.005 + 0.015 * rng.NextDouble();
        for (int i = 0; i < n; i++) x[i] = (float)(noise * (2 * rng.NextDouble() - 1));
        if (label == "silence") return x;
        double level = 0.2 + 0.4 * rng.NextDouble();
        int onset = (int)(rng.NextDouble() * 0.1 * rate);
        double steady = (400 + 1100 * rng.NextDouble()) * voice;
        int length = (int)(0.3 * rate);
        double phase = 0;
        for (int i = 0; i < length && onset + i < n; i++)
        {
            double u = (double)i / length; // 0..1 through the event
            double hz = label switch
            {
                "up" => 300 * voice * Math.Pow(3, u),
                "down" => 900 * voice * Math.Pow(3, -u),
                "beep" => 1000 * voice,
                _ => steady,
            };
            phase += 2 * Math.PI * hz / rate;
            // beep: on for the first and last thirds of the event, off in the middle.
            double gate = label == "beep" && u is > 1 / 3.0 and < 2 / 3.0 ? 0 : 1;
            double envelope = Math.Sin(Math.PI * u);
            x[onset + i] += (float)(level * gate * envelope * Math.Sin(phase));
        }
        return x;
    }
}
