using Lepton.Runtime;
using Lepton.Training.Workflows;
using Spectre.Console;

namespace Lepton.Cli.Rendering;

/// <summary>Predictions as a table: each input with its top classes and probabilities (and the true label when known).</summary>
public static class PredictionView
{
    /// <summary>How many predictions are shown when a file holds them all.</summary>
    public const int Shown = 20;

    /// <summary>The predictions as a table; with <paramref name="written"/> (the file that holds them all), the first <see cref="Shown"/> only.</summary>
    public static void Write(IReadOnlyList<Prediction> predictions, IReadOnlyDictionary<string, string>? truth = null, PredictedIntervals? conformal = null,
        string? written = null)
    {
        var t = new Table().Border(TableBorder.Rounded).AddColumn("input").AddColumn("prediction").AddColumn("probability").AddColumn("next");
        if (truth is not null) t.AddColumn("true label");
        if (conformal is not null) t.AddColumn(Markup.Escape(conformal.Title));
        foreach (var (p, i) in predictions.Take(written is null ? predictions.Count : Shown).Select((p, i) => (p, i)))
        {
            var best = p.Top[0];
            var row = new List<string>
            {
                Markup.Escape(p.Input), $"[bold]{Markup.Escape(best.Label)}[/]", $"{best.Probability:P1}",
                Markup.Escape(string.Join(", ", p.Top.Skip(1).Select(x => $"{x.Label} {x.Probability:P1}"))),
            };
            if (truth is not null)
            {
                var label = truth.TryGetValue(p.Input, out var l) ? l : "?";
                row.Add(label == best.Label ? $"[green]{Markup.Escape(label)}[/]" : $"[red]{Markup.Escape(label)}[/]");
            }
            if (conformal is not null) row.Add(Markup.Escape(conformal.Text(i)));
            t.AddRow(row.ToArray());
        }
        AnsiConsole.Console.Write(t);
        WriteMore(predictions.Count - (written is null ? predictions.Count : Math.Min(predictions.Count, Shown)), written);
    }

    /// <summary>"... and 980 more in out.npy": the rows a table left out, which the written file holds.</summary>
    internal static void WriteMore(int more, string? written)
    {
        if (more > 0) AnsiConsole.MarkupLine(Markup.Escape($"... and {more:N0} more in {written}"));
    }

    public static void WriteJson(IReadOnlyList<Prediction> predictions, PredictedIntervals? conformal = null) => JsonOut.Write(ToJson(predictions, conformal));

    /// <summary>Each prediction's input, top classes and logits, and with <paramref name="conformal"/> its <c>prediction_set</c>.</summary>
    public static object ToJson(IReadOnlyList<Prediction> predictions, PredictedIntervals? conformal = null) => predictions.Select((p, i) => conformal is null
        ? (object)new { input = p.Input, top = Top(p), logits = p.Logits }
        : new { input = p.Input, top = Top(p), logits = p.Logits, prediction_set = conformal.Json(i) }).ToList();

    private static IEnumerable<object> Top(Prediction p) => p.Top.Select(x => new { label = x.Label, index = x.Index, probability = x.Probability });
}
