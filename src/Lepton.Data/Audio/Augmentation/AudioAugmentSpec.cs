using System.Globalization;

namespace Lepton.Data.Audio.Augmentation;

/// <summary>
/// Which random augmentations a training run applies to each clip, as written on the command line
/// (<c>"shift=0.1,speed=0.1,pitch=2,noise=20,reverb=0.3,time_mask=10,freq_mask=8,masks=2"</c>). A zero term is off.
/// <see cref="ToString"/> writes the canonical text that <see cref="Parse"/> reads back.
/// </summary>
/// <param name="Shift">Time shift by a uniform amount in ±Shift seconds; samples shifted in are zeros, the length is kept.</param>
/// <param name="Speed">Speed by a factor uniform in [1-Speed, 1+Speed] (in steps of 0.01), by resampling: tempo and pitch change together.</param>
/// <param name="Pitch">Pitch by a uniform number of semitones in ±Pitch, length kept (resampling, then WSOLA time stretch back).</param>
/// <param name="Noise">Background noise at this signal-to-noise ratio in dB (white noise, or a random excerpt of the given noise clips); 0 is off.</param>
/// <param name="Reverb">Reverberation with an RT60 uniform in [Reverb/2, Reverb] seconds: an exponentially decaying noise impulse response.</param>
/// <param name="TimeMask">SpecAugment: each time mask covers a uniform 0..TimeMask frames of the features.</param>
/// <param name="FreqMask">SpecAugment: each frequency mask covers a uniform 0..FreqMask bins.</param>
/// <param name="Masks">SpecAugment: how many time masks and how many frequency masks.</param>
public sealed record AudioAugmentSpec(
    double Shift = 0,
    double Speed = 0,
    double Pitch = 0,
    double Noise = 0,
    double Reverb = 0,
    int TimeMask = 0,
    int FreqMask = 0,
    int Masks = 2)
{
    /// <summary>No augmentation.</summary>
    public static AudioAugmentSpec None { get; } = new();

    /// <summary>An example for help texts.</summary>
    public const string Example = "shift=0.1,speed=0.1,pitch=2,noise=20,reverb=0.3,time_mask=10,freq_mask=8";

    /// <summary>The terms and their valid ranges, for errors and help.</summary>
    public static IReadOnlyList<string> Terms { get; } =
    [
        "shift=SECONDS (0 to 5)", "speed=S (0 to 0.5)", "pitch=SEMITONES (0 to 12)", "noise=SNR_DB (-20 to 80; 0 is off)",
        "reverb=RT60_SECONDS (0 to 2)", "time_mask=FRAMES (0 to 1000)", "freq_mask=BINS (0 to 256)", "masks=N (1 to 10)",
    ];

    /// <summary>True when any waveform term is on.</summary>
    public bool ChangesWaveform => Shift != 0 || Speed != 0 || Pitch != 0 || Noise != 0 || Reverb != 0;

    /// <summary>True when any SpecAugment term is on.</summary>
    public bool MasksFeatures => TimeMask != 0 || FreqMask != 0;

    /// <summary>Reads comma-separated terms; an unknown term or a value out of range is an error naming it and its range.</summary>
    public static AudioAugmentSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var spec = None;
        foreach (var raw in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = raw.IndexOf('=');
            string key = (eq < 0 ? raw : raw[..eq]).Trim().ToLowerInvariant();
            string? value = eq < 0 ? null : raw[(eq + 1)..].Trim();
            string range = Terms.FirstOrDefault(t => t.StartsWith(key + "=", StringComparison.Ordinal))
                           ?? throw new FormatException($"Unknown audio augmentation '{key}'; the terms are {string.Join(", ", Terms)}.");
            if (value is null || !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
                throw new FormatException($"Audio augmentation '{raw}' needs a number: {range}.");
            spec = key switch
            {
                "shift" => spec with { Shift = In(v, 0, 5, range) },
                "speed" => spec with { Speed = In(v, 0, 0.5, range) },
                "pitch" => spec with { Pitch = In(v, 0, 12, range) },
                "noise" => spec with { Noise = In(v, -20, 80, range) },
                "reverb" => spec with { Reverb = In(v, 0, 2, range) },
                "time_mask" => spec with { TimeMask = (int)In(v, 0, 1000, range, integer: true) },
                "freq_mask" => spec with { FreqMask = (int)In(v, 0, 256, range, integer: true) },
                _ => spec with { Masks = (int)In(v, 1, 10, range, integer: true) },
            };
        }
        return spec;
    }

    private static double In(double v, double lo, double hi, string range, bool integer = false)
    {
        if (v < lo || v > hi || (integer && v != Math.Floor(v)))
            throw new FormatException($"Audio augmentation value {v.ToString(CultureInfo.InvariantCulture)} is out of range: {range}.");
        return v;
    }

    /// <summary>The canonical text: the terms that are on, in a fixed order.</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        void Add(string name, double v)
        {
            if (v != 0) parts.Add(name + "=" + v.ToString("R", CultureInfo.InvariantCulture));
        }
        Add("shift", Shift);
        Add("speed", Speed);
        Add("pitch", Pitch);
        Add("noise", Noise);
        Add("reverb", Reverb);
        Add("time_mask", TimeMask);
        Add("freq_mask", FreqMask);
        if (MasksFeatures && Masks != 2) Add("masks", Masks);
        return string.Join(",", parts);
    }
}
