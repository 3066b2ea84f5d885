using System.CommandLine;
using Lepton.Training.Transfer;

namespace Lepton.Cli.Commands;

/// <summary>The transfer-learning options of <c>lepton train</c>: <c>--from</c>, <c>--freeze</c>, <c>--unfreeze-after</c>, <c>--backbone-lr-scale</c>.</summary>
public static class TransferCliOptions
{
    public static (Option<string?> From, Option<string> Freeze, Option<int?> UnfreezeAfter, Option<double?> BackboneLrScale) Create() => (
        new Option<string?>("--from")
        {
            Description = "Start from a trained model (folder, name, name@3 or name@alias): keep its feature layers and weights, give it a new head for this data's classes.",
        },
        new Option<string>("--freeze")
        {
            Description = "With --from: backbone (train only the new head; BatchNorm statistics kept) or none.",
            DefaultValueFactory = _ => "none",
        },
        new Option<int?>("--unfreeze-after") { Description = "With --freeze backbone: train everything from this many epochs on." },
        new Option<double?>("--backbone-lr-scale") { Description = "With --from: train the backbone at this fraction of --lr (e.g. 0.1), the head at the full rate." });

    /// <summary>The options of this parse, with <c>--from</c> resolved to a verified model folder; null without <c>--from</c>.</summary>
    public static async Task<TransferOptions?> ResolveAsync(ParseResult p, Option<string?> from, Option<string> freeze, Option<int?> unfreezeAfter,
        Option<double?> backboneLr, string? store, CancellationToken ct)
    {
        if (p.GetValue(from) is not { } text)
        {
            if (p.GetValue(unfreezeAfter) is not null || p.GetValue(backboneLr) is not null || p.GetValue(freeze) is not "none")
                throw new ArgumentException("--freeze, --unfreeze-after and --backbone-lr-scale adapt a trained model; add --from MODEL.");
            return null;
        }
        var resolved = await ModelResolution.ResolveAsync(text, store, ct);
        var options = new TransferOptions(resolved.Folder, resolved.Display, TransferOptions.ParseFreeze(p.GetValue(freeze)!),
            p.GetValue(unfreezeAfter), p.GetValue(backboneLr));
        options.Validate();
        return options;
    }
}
