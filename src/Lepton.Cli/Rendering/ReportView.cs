using Lepton.Training.Metrics;
using Spectre.Console;

namespace Lepton.Cli.Rendering;

/// <summary>A classification report as terminal tables: summary, per-class metrics and the confusion matrix.</summary>
public static class ReportView
{
    public static void Write(ClassificationReport r, string title)
    {
        var console = AnsiConsole.Console;
        console.MarkupLine($"[bold]{Markup.Escape(title)}[/]: accuracy [green]{r.Accuracy:P2}[/] on {r.Count:N0} examples" +
                           (r.Loss is { } l ? $", loss {l:F4}" : "") + (r.RocAucMacro is { } auc ? $", ROC-AUC {auc:F4}" : ""));
        var t = new Table().Border(TableBorder.Rounded).AddColumns("class", "precision", "recall", "F1", "support");
        foreach (var c in r.Classes) t.AddRow(Markup.Escape(c.Name), $"{c.Precision:F3}", $"{c.Recall:F3}", $"{c.F1:F3}", $"{c.Support:N0}");
        t.AddEmptyRow();
        t.AddRow("[bold]macro avg[/]", $"{r.MacroAverage.Precision:F3}", $"{r.MacroAverage.Recall:F3}", $"{r.MacroAverage.F1:F3}", $"{r.MacroAverage.Support:N0}");
        t.AddRow("[bold]weighted avg[/]", $"{r.WeightedAverage.Precision:F3}", $"{r.WeightedAverage.Recall:F3}", $"{r.WeightedAverage.F1:F3}", $"{r.WeightedAverage.Support:N0}");
        console.Write(t);

        var names = r.ClassNames;
        var m = new Table().Border(TableBorder.Simple).Title("confusion matrix (rows: true, columns: predicted)");
        m.AddColumn("");
        for (int j = 0; j < names.Count; j++) m.AddColumn(new TableColumn(j.ToString()).RightAligned());
        for (int i = 0; i < names.Count; i++)
        {
            var row = new List<string> { $"{i} {Markup.Escape(names[i])}" };
            for (int j = 0; j < names.Count; j++)
            {
                int v = r.ConfusionMatrix[i][j];
                row.Add(i == j ? $"[green]{v}[/]" : v == 0 ? "[grey]0[/]" : v.ToString());
            }
            m.AddRow(row.ToArray());
        }
        console.Write(m);
    }

    public static void WriteJson(ClassificationReport r) => JsonOut.Write(ToJson(r));

    public static object ToJson(ClassificationReport r) => new
    {
        accuracy = r.Accuracy,
        count = r.Count,
        loss = r.Loss,
        roc_auc_macro = r.RocAucMacro,
        classes = r.Classes.Select(c => new { name = c.Name, precision = c.Precision, recall = c.Recall, f1 = c.F1, support = c.Support }),
        macro_avg = new { precision = r.MacroAverage.Precision, recall = r.MacroAverage.Recall, f1 = r.MacroAverage.F1 },
        weighted_avg = new { precision = r.WeightedAverage.Precision, recall = r.WeightedAverage.Recall, f1 = r.WeightedAverage.F1 },
        confusion_matrix = r.ConfusionMatrix,
    };
}
