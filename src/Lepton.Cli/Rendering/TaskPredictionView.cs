using System.Globalization;
using Lepton.NN.Tasks;
using Spectre.Console;

namespace Lepton.Cli.Rendering;

/// <summary>Answers of a task model (multiclass, binary, multi-label, regression), one row per input: the label, labels or values and their scores.</summary>
public static class TaskPredictionView
{
    /// <summary>The answers as a table; with <paramref name="written"/> (the file that holds them all), the first <see cref="PredictionView.Shown"/> only.</summary>
    public static void Write(IReadOnlyList<string> inputs, IReadOnlyList<TaskAnswer> answers, PredictedIntervals? conformal = null, string? written = null)
    {
        var t = new Table().Border(TableBorder.Rounded).AddColumn("input").AddColumn("prediction").AddColumn("scores");
        if (conformal is not null) t.AddColumn(Markup.Escape(conformal.Title));
        int shown = written is null ? answers.Count : Math.Min(answers.Count, PredictionView.Shown);
        for (int i = 0; i < shown; i++)
        {
            var (prediction, scores) = answers[i] switch
            {
                BinaryAnswer b => (b.Label, $"p(positive) {b.Probability:P1}"),
                MultiLabelAnswer m => (m.Labels.Count == 0 ? "(none)" : string.Join(", ", m.Labels),
                    string.Join(", ", m.Probabilities.Select(s => $"{s.Label} {s.Probability:P1}"))),
                RegressionAnswer r => (string.Join(", ", r.Values.Select(v => $"{v.Name} {v.Value.ToString("G6", CultureInfo.InvariantCulture)}")), ""),
                ClassAnswer c => (c.Label, string.Join(", ", c.Top.Select(s => $"{s.Label} {s.Probability:P1}"))),
                _ => ("?", ""),
            };
            string[] cells = [Markup.Escape(inputs[i]), $"[bold]{Markup.Escape(prediction)}[/]", Markup.Escape(scores)];
            t.AddRow(conformal is null ? cells : [.. cells, Markup.Escape(conformal.Text(i))]);
        }
        AnsiConsole.Console.Write(t);
        PredictionView.WriteMore(inputs.Count - shown, written);
    }

    public static void WriteJson(IReadOnlyList<string> inputs, IReadOnlyList<TaskAnswer> answers, PredictedIntervals? conformal = null) =>
        JsonOut.Write(answers.Select((a, i) => conformal is null ? Row(inputs, a, i) : WithConformal(Row(inputs, a, i), conformal, i)).ToList());

    // The row's object with its conformal answer added as "interval" or "prediction_set".
    private static object WithConformal(object row, PredictedIntervals conformal, int i)
    {
        var o = System.Text.Json.JsonSerializer.SerializeToNode(row)!.AsObject();
        o[conformal.Intervals.IsSet ? "prediction_set" : "interval"] = System.Text.Json.JsonSerializer.SerializeToNode(conformal.Json(i));
        return o;
    }

    private static object Row(IReadOnlyList<string> inputs, TaskAnswer answer, int i) => answer switch
        {
            BinaryAnswer b => new { input = inputs[i], label = b.Label, probability = b.Probability, positive = b.IsPositive },
            MultiLabelAnswer m => new { input = inputs[i], labels = m.Labels, probabilities = m.Probabilities.ToDictionary(s => s.Label, s => s.Probability) },
            RegressionAnswer r => new { input = inputs[i], values = r.Values.ToDictionary(v => v.Name, v => v.Value) },
            ClassAnswer c => new { input = inputs[i], label = c.Label, probabilities = c.Top.ToDictionary(s => s.Label, s => s.Probability) },
            _ => new { input = inputs[i] },
        };
}
