using System.Globalization;
using System.Text.Json;
using Lepton.NN.Serialization;

namespace Lepton.NN.Tasks;

/// <summary>
/// The one text form of a prediction and of a client's true label, per task, so the prediction log, feedback and live
/// metrics compare like with like: a class name (multiclass, binary); a JSON array of label names in the model's order
/// (multi-label, <c>["red","large"]</c>, <c>[]</c> for none); a number, or a JSON array of numbers for several targets (regression).
/// </summary>
public static class TaskLabelText
{
    /// <summary>The logged text of a decoded prediction.</summary>
    public static string Of(TaskAnswer answer) => answer switch
    {
        ClassAnswer c => c.Label,
        BinaryAnswer b => b.Label,
        MultiLabelAnswer m => JsonSerializer.Serialize(m.Labels),
        RegressionAnswer r => r.Values.Count == 1 ? Number(r.Values[0].Value) : "[" + string.Join(",", r.Values.Select(v => Number(v.Value))) + "]",
        _ => throw new ArgumentOutOfRangeException(nameof(answer)),
    };

    /// <summary>
    /// A client's true label (a JSON value) in the logged form, checked against the model: a known class name; a list of
    /// known label names; one number per regression target. Null with <paramref name="error"/> saying what was expected.
    /// </summary>
    public static string? Truth(TaskSpec task, IReadOnlyList<string> names, JsonElement label, out string? error)
    {
        error = null;
        switch (task.Kind)
        {
            case TaskKind.MultiLabel:
            {
                if (label.ValueKind != JsonValueKind.Array || label.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
                {
                    error = "a multi-label model takes \"label\" as a list of label names, e.g. [\"" + string.Join("\", \"", names.Take(2)) + "\"] ([] for none)";
                    return null;
                }
                var given = label.EnumerateArray().Select(e => e.GetString()!).ToHashSet(StringComparer.Ordinal);
                var unknown = given.Where(g => !names.Contains(g)).ToList();
                if (unknown.Count > 0)
                {
                    error = $"unknown label(s) {string.Join(", ", unknown.Select(u => $"\"{u}\""))}; the model's labels are {string.Join(", ", names)}";
                    return null;
                }
                return JsonSerializer.Serialize(names.Where(given.Contains).ToList());
            }
            case TaskKind.Regression:
            {
                int targets = Math.Max(1, task.TargetNames?.Count ?? 1);
                var values = label.ValueKind == JsonValueKind.Number ? [label]
                    : label.ValueKind == JsonValueKind.Array ? label.EnumerateArray().ToList() : [];
                if (values.Count != targets || values.Any(v => v.ValueKind != JsonValueKind.Number || !double.IsFinite(v.GetDouble())))
                {
                    error = targets == 1 ? "a regression model takes \"label\" as a number, e.g. 3.5"
                        : $"this regression model takes \"label\" as {targets} numbers ({string.Join(", ", task.TargetNames!)})";
                    return null;
                }
                return values.Count == 1 ? Number(values[0].GetDouble()) : "[" + string.Join(",", values.Select(v => Number(v.GetDouble()))) + "]";
            }
            default:
            {
                if (label.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(label.GetString()))
                {
                    error = "\"label\" must be a class name";
                    return null;
                }
                var name = label.GetString()!;
                if (names.Count > 0 && !names.Contains(name))
                {
                    error = $"unknown label \"{name}\"; the model's classes are {string.Join(", ", names)}";
                    return null;
                }
                return name;
            }
        }
    }

    /// <summary>The label set of a multi-label text; empty when it is not one.</summary>
    public static IReadOnlySet<string> LabelSet(string text)
    {
        try
        {
            return JsonSerializer.Deserialize<List<string>>(text)?.ToHashSet(StringComparer.Ordinal) ?? [];
        }
        catch (JsonException)
        {
            return new HashSet<string>();
        }
    }

    /// <summary>The values of a regression text; null when it is not one.</summary>
    public static double[]? Values(string text)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var one)) return [one];
        try
        {
            return JsonSerializer.Deserialize<double[]>(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Number(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
