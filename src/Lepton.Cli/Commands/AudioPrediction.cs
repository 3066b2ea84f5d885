using Lepton.Cli.Rendering;
using Lepton.Data.Audio;
using Lepton.Data.Audio.Wav;
using Lepton.Engine;
using Lepton.Runtime;
using Lepton.Runtime.Audio;

namespace Lepton.Cli.Commands;

/// <summary>
/// <c>lepton predict</c> for a keyword model: WAV files of any rate, channels and length through the model folder's own
/// feature path (<see cref="AudioInputEncoder"/>, the one the server uses), the classes out.
/// </summary>
internal static class AudioPrediction
{
    // Clips are encoded a chunk at a time so a folder of many files never holds all their samples at once.
    private const int ChunkClips = 64;

    /// <summary>The most WAV files one --input folder may hold.</summary>
    public const int MaxFiles = 100_000;

    public static AudioInputEncoder? Encoder(string folder, PredictorSignature signature) => AudioInputEncoder.TryLoad(folder, signature);

    /// <summary>The WAV files of --input: one file, or the *.wav files of a folder in name order.</summary>
    public static IReadOnlyList<string> Files(string? input)
    {
        if (input is null) throw new ArgumentException("This is an audio model: give --input clip.wav or a folder of WAV files.");
        if (Directory.Exists(input))
        {
            var files = Directory.EnumerateFiles(input, "*.wav", new EnumerationOptions { MatchCasing = MatchCasing.CaseInsensitive })
                .Take(MaxFiles + 1).Order(StringComparer.Ordinal).ToList();
            if (files.Count > MaxFiles) throw new InvalidDataException($"--input {Path.GetFileName(input)} holds more than {MaxFiles:N0} WAV files; split it.");
            if (files.Count == 0) throw new InvalidDataException($"--input {Path.GetFileName(input)} holds no .wav files.");
            return files;
        }
        if (!File.Exists(input)) throw new FileNotFoundException($"--input {input}: no such file or folder.");
        return [input];
    }

    public static int Run(IPredictor predictor, AudioInputEncoder encoder, IReadOnlyList<string> files, int top, string? output, bool json, string? folder = null)
    {
        var parts = new List<Tensor>();
        for (int start = 0; start < files.Count; start += ChunkClips)
        {
            var clips = new List<AudioClip>();
            foreach (var file in files.Skip(start).Take(ChunkClips)) clips.Add(encoder.ReadWavFile(file));
            var features = encoder.Encode(clips);
            parts.Add(predictor.FirstOutput([features[0]]));
        }
        var outputs = parts.Count == 1 ? parts[0] : Tensor.Concat(parts, 0);
        return PredictCommand.WriteAnswers(predictor, outputs, [.. files.Select(Path.GetFileName).Select(n => n!)], top, output, json,
            folder is null ? null : PredictedIntervals.Of(folder, predictor.Signature, outputs));
    }
}
