using System.Globalization;

namespace Lepton.Compression.Lora;

/// <summary>
/// How LoRA adapts a model: the rank r of each adapter, alpha (the update is scaled by alpha / r), and which layers carry one
/// (<see cref="LoraTargets"/> selectors: <c>all</c>, <c>linear</c>, <c>attention</c>, <c>q</c>, <c>k</c>, <c>v</c>, <c>out</c>, or layer names).
/// </summary>
public sealed record LoraOptions(int Rank = 8, double Alpha = 16, IReadOnlyList<string>? Targets = null)
{
    /// <summary>The most a rank may be; an adapter's rank beyond its layer's width gains nothing.</summary>
    public const int MaxRank = 1024;

    /// <summary>The selectors in effect: <see cref="Targets"/>, else <c>all</c>.</summary>
    public IReadOnlyList<string> Selectors => Targets is { Count: > 0 } t ? t : [LoraTargets.All];

    /// <summary>alpha / r: what the low-rank product B A is multiplied by.</summary>
    public double Scale => Alpha / Rank;

    /// <summary>Throws naming the bad value and the fix.</summary>
    public void Validate()
    {
        if (Rank is < 1 or > MaxRank) throw new ArgumentException($"LoRA rank must be in [1, {MaxRank}], got {Rank}; ranks of 4 to 16 are usual.");
        if (!double.IsFinite(Alpha) || Alpha <= 0) throw new ArgumentException($"LoRA alpha must be a finite number > 0, got {Alpha}; alpha = 2 x rank is usual.");
    }

    /// <summary>
    /// Parses <c>rank=8,alpha=16[,targets=q+v]</c> (the <c>--lora</c> value); alpha defaults to twice the rank, targets (joined by
    /// <c>+</c>) to <c>all</c>.
    /// </summary>
    public static LoraOptions Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new ArgumentException("--lora needs a value such as rank=8,alpha=16.");
        int? rank = null;
        double? alpha = null;
        List<string>? targets = null;
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = part.IndexOf('=');
            string key = eq < 0 ? part : part[..eq].Trim().ToLowerInvariant(), value = eq < 0 ? "" : part[(eq + 1)..].Trim();
            switch (key)
            {
                case "rank" or "r":
                    rank = int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var r) ? r
                        : throw new ArgumentException($"--lora rank={value} is not a whole number; e.g. rank=8.");
                    break;
                case "alpha":
                    alpha = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var a) ? a
                        : throw new ArgumentException($"--lora alpha={value} is not a number; e.g. alpha=16.");
                    break;
                case "targets" or "target":
                    targets = [.. value.Split('+', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
                    if (targets.Count == 0) throw new ArgumentException("--lora targets= is empty; name selectors joined by +, e.g. targets=q+v or targets=linear.");
                    break;
                default:
                    throw new ArgumentException($"--lora: unknown setting '{part}'; use rank=R, alpha=A and targets=T1+T2 separated by commas, e.g. rank=8,alpha=16,targets=linear.");
            }
        }
        var options = new LoraOptions(rank ?? 8, alpha ?? 2.0 * (rank ?? 8), targets);
        options.Validate();
        return options;
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"rank={Rank},alpha={Alpha},targets={string.Join('+', Selectors)}");
}
