using System.Globalization;
using System.Text;
using Lepton.Serving.Batching;

namespace Lepton.Serving.Http;

/// <summary>Builds the Prometheus text exposition format (version 0.0.4): HELP/TYPE lines, escaped labels, cumulative histograms.</summary>
public sealed class PrometheusText
{
    private readonly StringBuilder _text = new();
    private readonly HashSet<string> _declared = new(StringComparer.Ordinal);

    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public void Declare(string name, string type, string help)
    {
        if (!_declared.Add(name)) return;
        _text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        _text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
    }

    public void Sample(string name, double value, params (string Name, string Value)[] labels)
    {
        _text.Append(name);
        AppendLabels(labels);
        _text.Append(' ').Append(Format(value)).Append('\n');
    }

    public void Histogram(string name, string help, HistogramSnapshot h, params (string Name, string Value)[] labels)
    {
        Declare(name, "histogram", help);
        for (int i = 0; i < h.UpperBounds.Count; i++)
            Sample(name + "_bucket", h.CumulativeCounts[i], [.. labels, ("le", Format(h.UpperBounds[i]))]);
        Sample(name + "_bucket", h.Count, [.. labels, ("le", "+Inf")]);
        Sample(name + "_sum", h.Sum, labels);
        Sample(name + "_count", h.Count, labels);
    }

    public override string ToString() => _text.ToString();

    private void AppendLabels((string Name, string Value)[] labels)
    {
        if (labels.Length == 0) return;
        _text.Append('{');
        for (int i = 0; i < labels.Length; i++)
        {
            if (i > 0) _text.Append(',');
            _text.Append(labels[i].Name).Append("=\"");
            foreach (char c in labels[i].Value)
            {
                _text.Append(c switch
                {
                    '\\' => "\\\\",
                    '"' => "\\\"",
                    '\n' => "\\n",
                    _ => c.ToString(),
                });
            }
            _text.Append('"');
        }
        _text.Append('}');
    }

    private static string Format(double v) =>
        double.IsPositiveInfinity(v) ? "+Inf" : double.IsNegativeInfinity(v) ? "-Inf" : double.IsNaN(v) ? "NaN" : v.ToString("R", CultureInfo.InvariantCulture);
}
