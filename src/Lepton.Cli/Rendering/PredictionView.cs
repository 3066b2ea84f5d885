using Lepton.Runtime;
using Lepton.Training.Workflows;
using Spectre.Console;

namespace Lepton.Cli.Rendering;

/// <summary>Predictions as a table: each input with its top classes and probabilities (and the true label when known).</summary>
public static class PredictionView
{
    public static void Write(IReadOnlyList<Prediction> predictions, IReadOnlyDictionary<string, string>? truth = null)
    {
        var t = new Table().Border(TableBorder.Rounded).AddColumn("input").AddColumn("prediction").AddColumn("probability").AddColumn("next");
        if (truth is not null) t.AddColumn("true label");
        foreach (var p in predictions)
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
            t.AddRow(row.ToArray());
        }
        AnsiConsole.Console.Write(t);
    }

    public static void WriteJson(IReadOnlyList<Prediction> predictions) => JsonOut.Write(ToJson(predictions));

    public static object ToJson(IReadOnlyList<Prediction> predictions) => predictions.Select(p => new
    {
        input = p.Input,
        top = p.Top.Select(x => new { label = x.Label, index = x.Index, probability = x.Probability }),
        logits = p.Logits,
    }).ToList();
}
