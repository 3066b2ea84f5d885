using System.Globalization;
using System.Text;

namespace Lepton.Reports.Cards;

/// <summary>A <see cref="ModelCard"/> as Markdown (card.md): headings, lists and pipe tables that read as plain text too.</summary>
public static class ModelCardMarkdown
{
    public static string Render(ModelCard card)
    {
        ArgumentNullException.ThrowIfNull(card);
        var md = new StringBuilder();
        md.Append("# Model card: ").Append(Esc(card.Display)).Append("\n\n");
        md.Append(Esc(card.Purpose)).Append("\n\n");
        md.Append("## Model\n\n");
        Item(md, "task", card.Task);
        Item(md, "inputs", card.Inputs);
        if (card.ClassNames.Count > 0) Item(md, "classes", string.Join(", ", card.ClassNames));
        Item(md, "runtime", card.Kind);
        Item(md, "architecture", card.Architecture);
        Item(md, "registered", $"{card.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC by {card.CreatedBy}");
        if (card.Aliases.Count > 0) Item(md, "aliases", string.Join(", ", card.Aliases));
        md.Append("\n## Data and lineage\n\n");
        var l = card.Lineage;
        Item(md, "trained on", l.TrainedOn ?? "not recorded");
        if (l.DatasetAncestors.Count > 0) Item(md, "data set ancestors", string.Join(" ← ", l.DatasetAncestors));
        if (l.RunId is not null) Item(md, "training run", $"{l.RunName} ({l.RunId}, {l.RunStatus})");
        if (l.Seed is { } seed) Item(md, "seed", seed.ToString(CultureInfo.InvariantCulture));
        if (l.CodeVersion is not null) Item(md, "code version", l.CodeVersion);
        if (l.ParentModel is not null) Item(md, "parent model", l.ParentModel);
        md.Append("\n## Metrics\n\n");
        if (card.EvaluationNote is not null) md.Append("_").Append(Esc(card.EvaluationNote)).Append("_\n\n");
        if (card.EvaluatedExamples is { } n) md.Append(CultureInfo.InvariantCulture, $"Held out: {n:N0} examples. Intervals: bootstrap percentile.\n\n");
        md.Append("| metric | value | interval |\n|---|---:|---:|\n");
        foreach (var m in card.Metrics)
            md.Append("| ").Append(Esc(m.Name)).Append(" | ").Append(F(m.Value)).Append(" | ")
              .Append(m.Interval is { } i && double.IsFinite(i.Low) ? $"{F(i.Low)} – {F(i.High)}" : "–").Append(" |\n");
        if (card.WeakestClasses.Count > 0)
        {
            md.Append("\n## Where it is weak\n\n| class | precision | recall | F1 | support |\n|---|---:|---:|---:|---:|\n");
            foreach (var c in card.WeakestClasses)
                md.Append(CultureInfo.InvariantCulture, $"| {Esc(c.Name)} | {F(c.Precision)} | {F(c.Recall)} | {F(c.F1)} | {c.Support:N0} |\n");
        }
        if (card.Confusions.Count > 0)
        {
            md.Append("\nMost confused (true → predicted):\n\n");
            foreach (var c in card.Confusions)
                md.Append(CultureInfo.InvariantCulture, $"- {Esc(c.Actual)} → {Esc(c.Predicted)}: {c.Count:N0} examples ({c.ShareOfActual:P1} of {Esc(c.Actual)})\n");
        }
        if (card.Groups.Count > 0)
        {
            md.Append("\n## Groups\n\nThe decision on ").Append(Esc(card.GroupsData ?? "")).Append("'s test rows, group by group (selection: the share given '")
              .Append(Esc(card.Groups[0].Favorable)).Append("'; groups under ").Append(card.Groups[0].MinRows).Append(" rows are not judged).\n");
            foreach (var g in card.Groups)
            {
                md.Append("\n").Append(Esc(Tables.GroupFairnessView.Verdict(g))).Append("\n\n| ").Append(Esc(g.Column))
                  .Append(" | rows | truly favorable | selected | true-positive rate | false-positive rate |\n|---|---:|---:|---:|---:|---:|\n");
                foreach (var r in g.Groups)
                    md.Append("| ").Append(Esc(r.Name)).Append(r.Rows >= g.MinRows ? "" : " (not judged)").Append(CultureInfo.InvariantCulture, $" | {r.Rows:N0} | ")
                      .Append(Tables.GroupFairnessView.Percent(r.BaseRate)).Append(" | ").Append(Tables.GroupFairnessView.Percent(r.SelectionRate)).Append(" | ")
                      .Append(Tables.GroupFairnessView.Percent(r.TruePositiveRate)).Append(" | ").Append(Tables.GroupFairnessView.Percent(r.FalsePositiveRate)).Append(" |\n");
            }
        }
        md.Append("\n## How it was made from other models\n\n");
        if (card.Derivation.Count == 0) md.Append("Trained from scratch: no quantization, pruning, distillation, LoRA or parent model recorded.\n");
        foreach (var s in card.Derivation)
            md.Append("- ").Append(Esc(s.Model)).Append(": ").Append(Esc(s.Method)).Append(" of ").Append(Esc(s.From))
              .Append(s.Details.Length > 0 ? " (" + Esc(s.Details) + ")" : "").Append('\n');
        md.Append("\n## Limits\n\n");
        foreach (var limit in card.Limits) md.Append("- ").Append(Esc(limit)).Append('\n');
        md.Append("\n_Written by lepton models card from the registry's records._\n");
        return md.ToString();
    }

    private static void Item(StringBuilder md, string key, string value) => md.Append("- **").Append(key).Append("**: ").Append(Esc(value)).Append('\n');

    private static string F(double v) => double.IsFinite(v) ? v.ToString("0.0000", CultureInfo.InvariantCulture) : "–";

    // Text from model files and the registry is data: Markdown and HTML syntax in it is shown, not interpreted.
    private static string Esc(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            if (c is '\\' or '`' or '*' or '_' or '[' or ']' or '|' or '<' or '>' or '#') sb.Append('\\');
            sb.Append(c is '\n' or '\r' ? ' ' : c);
        }
        return sb.ToString();
    }
}
