using System.Globalization;

namespace Lepton.Data.Images.Augmentation;

/// <summary>How the affine warp fills pixels that come from outside the image: the nearest edge pixel (Keras's default) or a constant (black).</summary>
public enum AugmentationFill
{
    Nearest,
    Constant,
}

/// <summary>
/// Which random augmentations a training run applies to each image, as written on the command line
/// (<c>"flip,rotate=15,shear=0.2,zoom=0.2,crop=0.9,brightness=0.2,contrast=0.2,cutout=8"</c>) or under <c>augment:</c> in
/// <c>lepton.yaml</c>. A zero (or false) term is off. <see cref="ToString"/> writes the canonical text that <see cref="Parse"/> reads back.
/// </summary>
/// <param name="Flip">Horizontal flip with probability 1/2.</param>
/// <param name="VFlip">Vertical flip with probability 1/2.</param>
/// <param name="Rotate">Rotation by a uniform angle in ±Rotate degrees.</param>
/// <param name="Shear">Shear by a uniform angle in ±Shear radians, as Keras's <c>shear_range</c> in the Keras 2.0 era (Keras 2.2+ reads degrees).</param>
/// <param name="Zoom">Scale by a uniform factor in [1-Zoom, 1+Zoom] (above 1 magnifies), the same on both axes.</param>
/// <param name="Translate">Shift by a uniform fraction in ±Translate of the width and, independently, of the height.</param>
/// <param name="Crop">Random crop whose side is a uniform fraction in [Crop, 1] of the image's, resized back; 1 is off.</param>
/// <param name="Brightness">Multiply every pixel by a uniform factor in [1-Brightness, 1+Brightness].</param>
/// <param name="Contrast">Scale the distance from the image's mean by a uniform factor in [1-Contrast, 1+Contrast].</param>
/// <param name="Cutout">Set a random Cutout x Cutout square (inside the image) to the fill value.</param>
/// <param name="Fill">How the affine warp fills pixels from outside the image.</param>
public sealed record AugmentationSpec(
    bool Flip = false,
    bool VFlip = false,
    double Rotate = 0,
    double Shear = 0,
    double Zoom = 0,
    double Translate = 0,
    double Crop = 1,
    double Brightness = 0,
    double Contrast = 0,
    int Cutout = 0,
    AugmentationFill Fill = AugmentationFill.Nearest)
{
    /// <summary>No augmentation.</summary>
    public static AugmentationSpec None { get; } = new();

    /// <summary>The terms and their valid ranges, for errors and help.</summary>
    public static IReadOnlyList<string> Terms { get; } =
    [
        "flip", "vflip", "rotate=DEGREES (0 to 180)", "shear=RADIANS (0 to 1)", "zoom=Z (0 to 0.9)", "translate=T (0 to 0.5)",
        "crop=C (0.1 to 1)", "brightness=B (0 to 1)", "contrast=C (0 to 1)", "cutout=PIXELS (0 to 4096)", "fill=nearest|constant",
    ];

    /// <summary>An example for help texts.</summary>
    public const string Example = "flip,rotate=15,shear=0.2,zoom=0.2,crop=0.9,brightness=0.2,contrast=0.2,cutout=8";

    /// <summary>True when any term changes the image.</summary>
    public bool IsIdentity => this with { Fill = AugmentationFill.Nearest } == None;

    /// <summary>True when the geometric warp has something to do.</summary>
    public bool HasAffine => Flip || VFlip || Rotate != 0 || Shear != 0 || Zoom != 0 || Translate != 0 || Crop < 1;

    /// <summary>Reads comma-separated terms; an unknown term or a value out of range is an error naming the term and the valid range.</summary>
    public static AugmentationSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var pairs = new List<KeyValuePair<string, string?>>();
        foreach (var raw in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = raw.IndexOf('=');
            pairs.Add(eq < 0
                ? new(raw, null)
                : new(raw[..eq].Trim(), raw[(eq + 1)..].Trim()));
        }
        return FromTerms(pairs);
    }

    /// <summary>
    /// Reads terms given as name/value pairs (a YAML mapping such as <c>augment: {flip: true, rotate: 15}</c>); a null value
    /// means "on" for flip and vflip. Same names, ranges and errors as <see cref="Parse"/>.
    /// </summary>
    public static AugmentationSpec FromTerms(IEnumerable<KeyValuePair<string, string?>> terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        var spec = None;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (rawName, value) in terms)
        {
            string name = rawName.Trim().ToLowerInvariant();
            if (!seen.Add(name))
                throw new FormatException($"Augmentation term '{name}' is given twice; keep one.");
            spec = name switch
            {
                "flip" => spec with { Flip = Switch(name, value) },
                "vflip" => spec with { VFlip = Switch(name, value) },
                "rotate" => spec with { Rotate = Number(name, value, 0, 180, "DEGREES") },
                "shear" => spec with { Shear = Number(name, value, 0, 1, "RADIANS") },
                "zoom" => spec with { Zoom = Number(name, value, 0, 0.9, "Z") },
                "translate" => spec with { Translate = Number(name, value, 0, 0.5, "T") },
                "crop" => spec with { Crop = Number(name, value, 0.1, 1, "C") },
                "brightness" => spec with { Brightness = Number(name, value, 0, 1, "B") },
                "contrast" => spec with { Contrast = Number(name, value, 0, 1, "C") },
                "cutout" => spec with { Cutout = (int)Number(name, value, 0, 4096, "PIXELS", whole: true) },
                "fill" => spec with { Fill = FillMode(value) },
                _ => throw new FormatException(
                    $"Unknown augmentation term '{rawName.Trim()}'; valid terms: {string.Join(", ", Terms)} (e.g. \"{Example}\")."),
            };
        }
        return spec;
    }

    /// <summary>The canonical text, terms in a fixed order, off terms left out (empty for no augmentation).</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        if (Flip) parts.Add("flip");
        if (VFlip) parts.Add("vflip");
        Add(parts, "rotate", Rotate, 0);
        Add(parts, "shear", Shear, 0);
        Add(parts, "zoom", Zoom, 0);
        Add(parts, "translate", Translate, 0);
        Add(parts, "crop", Crop, 1);
        Add(parts, "brightness", Brightness, 0);
        Add(parts, "contrast", Contrast, 0);
        if (Cutout != 0) parts.Add($"cutout={Cutout.ToString(CultureInfo.InvariantCulture)}");
        if (Fill != AugmentationFill.Nearest) parts.Add("fill=constant");
        return string.Join(',', parts);
    }

    private static void Add(List<string> parts, string name, double value, double off)
    {
        if (value != off) parts.Add($"{name}={value.ToString("R", CultureInfo.InvariantCulture)}");
    }

    private static bool Switch(string name, string? value) => value?.ToLowerInvariant() switch
    {
        null or "" or "true" or "yes" or "on" or "1" => true,
        "false" or "no" or "off" or "0" => false,
        _ => throw new FormatException($"Augmentation term '{name}' takes no value or true/false, got '{name}={value}'; write '{name}' alone."),
    };

    private static double Number(string name, string? value, double min, double max, string unit, bool whole = false)
    {
        string range = $"{name}={unit} with {unit} from {Num(min)} to {Num(max)}";
        if (string.IsNullOrEmpty(value))
            throw new FormatException($"Augmentation term '{name}' needs a value: {range}.");
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v)
            || (whole && v != Math.Floor(v)))
            throw new FormatException($"Augmentation term '{name}={value}' is not a {(whole ? "whole number" : "number")}; write {range}.");
        if (v < min || v > max)
            throw new FormatException($"Augmentation term '{name}={value}' is out of range; write {range}.");
        return v;
    }

    private static AugmentationFill FillMode(string? value) => value?.ToLowerInvariant() switch
    {
        "nearest" => AugmentationFill.Nearest,
        "constant" => AugmentationFill.Constant,
        _ => throw new FormatException($"Augmentation term 'fill={value}' is not a fill mode; write fill=nearest (the edge pixel, Keras's default) or fill=constant (black)."),
    };

    private static string Num(double v) => v.ToString("0.########", CultureInfo.InvariantCulture);
}
