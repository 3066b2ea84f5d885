using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lepton.Data.Audio.Features;

/// <summary>Which features a model reads: log-mel spectrogram frames or MFCCs (<c>log_mel</c>, <c>mfcc</c> in JSON).</summary>
public enum AudioFeatureKind
{
    LogMel,
    Mfcc,
}

/// <summary>
/// The recipe that turns a clip into a model's input, stored in the model folder (<c>audio_features.json</c>) and replayed
/// identically at training and serving. Frames are centered (reflect padding of NFft/2), windowed by a periodic Hann window;
/// the power spectrum is mapped by HTK-mel triangles (no area normalisation) between FMin and FMax, then log(mel + LogOffset);
/// MFCCs are the first NMfcc coefficients of the orthonormal DCT-II of the log-mel. Clips at another rate are resampled first.
/// </summary>
/// <param name="SampleRate">The rate the model hears, in Hz; other clips are resampled to it.</param>
/// <param name="NFft">Frame (and FFT) length in samples.</param>
/// <param name="Hop">Samples between frame starts.</param>
/// <param name="NMels">Mel bands.</param>
/// <param name="FMin">Lowest mel band edge, in Hz.</param>
/// <param name="FMax">Highest mel band edge, in Hz (at most SampleRate/2).</param>
/// <param name="LogOffset">Added to the mel energies before the log, so silence stays finite.</param>
/// <param name="NMfcc">MFCCs kept (Kind Mfcc).</param>
/// <param name="Kind">Log-mel or MFCC.</param>
/// <param name="TrimTopDb">Energy trimming: drop leading and trailing frames more than this many dB below the loudest; 0 is off.</param>
public sealed record AudioFeatureSpec(
    int SampleRate = 16000,
    int NFft = 512,
    int Hop = 160,
    int NMels = 40,
    double FMin = 20,
    double FMax = 7600,
    double LogOffset = 1e-6,
    int NMfcc = 13,
    AudioFeatureKind Kind = AudioFeatureKind.LogMel,
    double TrimTopDb = 0)
{
    /// <summary>The format name written into the JSON.</summary>
    public const string Format = "lepton.audio-features/1";

    /// <summary>The file name in a model folder.</summary>
    public const string FileName = "audio_features.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false) },
    };

    /// <summary>Values per frame: NMels or NMfcc.</summary>
    public int Bins => Kind == AudioFeatureKind.Mfcc ? NMfcc : NMels;

    /// <summary>Frames for a clip of <paramref name="samples"/> samples at <see cref="SampleRate"/> (before trimming).</summary>
    public int Frames(int samples) => 1 + samples / Hop;

    /// <summary>Refuses a spec that cannot be computed, naming the field and the valid range.</summary>
    public AudioFeatureSpec Validate()
    {
        static void Require(bool ok, string message)
        {
            if (!ok) throw new ArgumentException("Audio feature spec: " + message);
        }
        Require(SampleRate is >= 1000 and <= 384_000, $"sample_rate must be 1000 to 384000 Hz; got {SampleRate}.");
        Require(NFft is >= 16 and <= 65536, $"n_fft must be 16 to 65536; got {NFft}.");
        Require(Hop >= 1 && Hop <= NFft, $"hop must be 1 to n_fft ({NFft}); got {Hop}.");
        Require(NMels >= 1 && NMels <= NFft / 2 + 1, $"n_mels must be 1 to n_fft/2+1 ({NFft / 2 + 1}); got {NMels}.");
        Require(FMin >= 0 && FMax > FMin && FMax <= SampleRate / 2.0, $"need 0 <= fmin < fmax <= sample_rate/2 ({SampleRate / 2.0}); got fmin {FMin}, fmax {FMax}.");
        Require(LogOffset > 0 && double.IsFinite(LogOffset), $"log_offset must be positive; got {LogOffset}.");
        Require(NMfcc >= 1 && NMfcc <= NMels, $"n_mfcc must be 1 to n_mels ({NMels}); got {NMfcc}.");
        Require(TrimTopDb >= 0 && TrimTopDb <= 200, $"trim_top_db must be 0 (off) to 200; got {TrimTopDb}.");
        return this;
    }

    /// <summary>The JSON written to the model folder.</summary>
    public string ToJson()
    {
        var node = JsonSerializer.SerializeToNode(this, Json)!.AsObject();
        var withFormat = new System.Text.Json.Nodes.JsonObject { ["format"] = Format };
        foreach (var (k, v) in node.ToList())
        {
            node.Remove(k);
            withFormat[k] = v;
        }
        return withFormat.ToJsonString(Json);
    }

    /// <summary>Reads <see cref="ToJson"/>'s output; an unknown field, another format or an invalid value is an error.</summary>
    public static AudioFeatureSpec FromJson(string json)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)?.AsObject()
                   ?? throw new InvalidDataException("Audio feature spec: expected a JSON object.");
        string? format = node["format"]?.GetValue<string>();
        if (format != Format) throw new InvalidDataException($"Audio feature spec: format is '{format}', expected '{Format}'.");
        node.Remove("format");
        try
        {
            return (node.Deserialize<AudioFeatureSpec>(Json) ?? throw new InvalidDataException("Audio feature spec: empty.")).Validate();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException("Audio feature spec: " + e.Message, e);
        }
    }
}
