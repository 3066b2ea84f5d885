using System.Text.Json;
using Lepton.Runtime.Conformal;
using Lepton.Serving.Protocol;

namespace Lepton.Serving.Outputs;

/// <summary>
/// How a served answer carries its conformal interval or prediction set (<see cref="ConformalIntervals"/>): in a
/// <c>/models/{name}/predict</c> row as <c>"interval": {"level", "lower", "upper"}</c> (null for an open side) or
/// <c>"prediction_set": {"level", "labels"}</c>; in Open Inference Protocol outputs as <c>lower</c> and <c>upper</c> (FP32, the bounded
/// sides only) or <c>prediction_set</c> (BYTES, each row's labels as a JSON array).
/// </summary>
public static class ConformalAnswers
{
    public const string LowerName = "lower";
    public const string UpperName = "upper";
    public const string SetName = "prediction_set";

    /// <summary>The OIP outputs <paramref name="intervals"/> add to an answer, in order.</summary>
    public static IReadOnlyList<string> Names(ConformalIntervals? intervals) => intervals switch
    {
        null => [],
        { IsSet: true } => [SetName],
        { Score: "upper" } => [UpperName],
        { Score: "lower" } => [LowerName],
        _ => [LowerName, UpperName],
    };

    /// <summary>The descriptions model metadata lists for <see cref="Names"/>.</summary>
    public static IEnumerable<OutputDescription> Describe(ConformalIntervals? intervals) =>
        Names(intervals).Select(n => n == SetName ? new OutputDescription(n, "BYTES", [-1]) : new OutputDescription(n, "FP32", [-1, 1]));

    public static void WriteInterval(Utf8JsonWriter w, ConformalIntervals intervals, (double Lower, double Upper) interval)
    {
        var (lower, upper) = interval;
        w.WriteStartObject("interval");
        w.WriteNumber("level", intervals.Level);
        WriteBound(w, "lower", lower);
        WriteBound(w, "upper", upper);
        w.WriteEndObject();
    }

    private static void WriteBound(Utf8JsonWriter w, string name, double value)
    {
        w.WritePropertyName(name);
        if (double.IsFinite(value)) InferenceResponseWriter.WriteFloat(w, (float)value);
        else w.WriteNullValue();
    }

    public static void WriteSet(Utf8JsonWriter w, ConformalIntervals intervals, IReadOnlyList<string> labels)
    {
        w.WriteStartObject(SetName);
        w.WriteNumber("level", intervals.Level);
        w.WriteStartArray("labels");
        foreach (var l in labels) w.WriteStringValue(l);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>Writes OIP output <c>lower</c> or <c>upper</c> of every row's interval (shape [N, 1], FP32).</summary>
    public static byte[]? WriteBoundOutput(Utf8JsonWriter w, string name, IReadOnlyList<(double Lower, double Upper)> intervals, bool binary)
    {
        var values = new float[intervals.Count];
        for (int r = 0; r < values.Length; r++) values[r] = (float)(name == LowerName ? intervals[r].Lower : intervals[r].Upper);
        return InferenceResponseWriter.WriteFp32(w, values, values.Length, 1, binary);
    }

    /// <summary>Writes OIP output <c>prediction_set</c>: one BYTES element per row, the set's labels as a JSON array.</summary>
    public static byte[]? WriteSetOutput(Utf8JsonWriter w, IReadOnlyList<IReadOnlyList<string>> sets, bool binary) =>
        InferenceResponseWriter.WriteTexts(w, [.. sets.Select(s => JsonSerializer.Serialize(s))], binary);
}
