using System.Text;
using Lepton.Data.Tables;
using static Lepton.Reports.Html.HtmlParts;

namespace Lepton.Reports.Evaluation.Tables;

/// <summary>
/// The rows gallery: each row's raw values as a small HTML table (column names over values), every value HTML-encoded and
/// bounded (<see cref="MaxColumns"/> columns, <see cref="MaxCellChars"/> characters a cell) so a wide or hostile table stays readable.
/// </summary>
public sealed class TableRowViews(Table table) : IExampleViews
{
    public const int MaxColumns = 32;

    public const int MaxCellChars = 80;

    public bool Wide => true;

    public void Prefetch(IReadOnlyCollection<int> indices, CancellationToken ct = default)
    {
        // The table is in memory: nothing to read ahead.
    }

    public IExampleViews Freeze() => this;

    public string? Html(int index)
    {
        var columns = table.Columns.Take(MaxColumns).ToList();
        var html = new StringBuilder("<table class=\"row\"><tr>");
        foreach (var c in columns) html.Append("<th>").Append(E(Cut(c.Name))).Append("</th>");
        if (table.Columns.Count > MaxColumns) html.Append("<th class=\"muted\">+").Append(table.Columns.Count - MaxColumns).Append(" columns</th>");
        html.Append("</tr><tr>");
        foreach (var c in columns)
        {
            string? value = c.IsMissing(index) ? null : c.Display(index);
            html.Append("<td data-column=\"").Append(E(Cut(c.Name))).Append("\">").Append(value is null ? "<span class=\"muted\">missing</span>" : E(Cut(value))).Append("</td>");
        }
        if (table.Columns.Count > MaxColumns) html.Append("<td></td>");
        return html.Append("</tr></table>").ToString();
    }

    private static string Cut(string s) => s.Length <= MaxCellChars ? s : s[..(char.IsHighSurrogate(s[MaxCellChars - 1]) ? MaxCellChars - 1 : MaxCellChars)] + "…";
}
