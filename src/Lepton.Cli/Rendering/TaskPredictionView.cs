using System.Globalization;
using Lepton.NN.Tasks;
using Spectre.Console;

namespace Lepton.Cli.Rendering;

/// <summary>Answers of a task model (multiclass, binary, multi-label, regression), one row per input: the label, labels or values and their scores.</summary>
public static class TaskPredictionView
{
    public static void Write(IReadOnlyList<string> inputs, IReadOnlyList<TaskAnswer> answers)
    {
        var t = new Table().Border(TableBorder.Rounded).AddColumn("input").AddColumn("prediction").AddColumn("scores");
        for (int i = 0; i < answers.Count; i++)
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
            t.AddRow(Markup.Escape(inputs[i]), $"[bold]{Markup.Escape(prediction)}[/]", Markup.Escape(scores));
        }
        AnsiConsole.Console.Write(t);
    }

    public static void WriteJson(IReadOnlyList<string> inputs, IReadOnlyList<TaskAnswer> answers) =>
        JsonOut.Write(answers.Select((a, i) => (object)(a switch
        {
            BinaryAnswer b => new { input = inputs[i], label = b.Label, probability = b.Probability, positive = b.IsPositive },
            MultiLabelAnswer m => new { input = inputs[i], labels = m.Labels, probabilities = m.Probabilities.ToDictionary(s => s.Label, s => s.Probability) },
            RegressionAnswer r => new { input = inputs[i], values = r.Values.ToDictionary(v => v.Name, v => v.Value) },
            ClassAnswer c => new { input = inputs[i], label = c.Label, probabilities = c.Top.ToDictionary(s => s.Label, s => s.Probability) },
            _ => new { input = inputs[i] },
        })).ToList());
}
