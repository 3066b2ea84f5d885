using System.Text.Json;
using Lepton.NN.Tasks;

namespace Lepton.Monitoring;

/// <summary>
/// Strict readers of the logged label texts of <see cref="TaskLabelText"/>: unlike its lenient helpers they say when a text
/// is not of the task's form, so monitoring skips and counts such rows instead of scoring them as "no labels" or zeros.
/// </summary>
internal static class LabelTexts
{
    /// <summary>The label set of a multi-label text (a JSON list of strings, <c>[]</c> for none); null when it is not one.</summary>
    public static IReadOnlySet<string>? Set(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind != JsonValueKind.Array || doc.RootElement.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
                return null;
        }
        catch (JsonException)
        {
            return null;
        }
        return TaskLabelText.LabelSet(text);
    }

    /// <summary>The finite values of a regression text (a number or a JSON list of numbers); null when it is not one.</summary>
    public static double[]? Values(string text)
    {
        var values = TaskLabelText.Values(text);
        return values is { Length: > 0 } && values.All(double.IsFinite) ? values : null;
    }
}
