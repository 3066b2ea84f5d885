using System.Text.Json;
using Lepton.NN.Serialization;
using Lepton.NN.Tasks;
using Lepton.Serving.Protocol;

namespace Lepton.Serving.Outputs;

/// <summary>
/// A batch's answers for a binary, multi-label or regression model. OIP outputs: the raw output (logits or values) and, for
/// binary, <c>probability</c> and <c>label</c>; for multi-label, <c>probabilities</c> and <c>labels</c> (each row's label list as
/// JSON text); with conformal intervals, a regressor's <c>lower</c>/<c>upper</c> or a yes/no model's <c>prediction_set</c>
/// (<see cref="ConformalAnswers"/>). The prediction log keeps <see cref="TaskLabelText"/>'s form of each answer, which feedback is compared with.
/// </summary>
public sealed class TaskAnswerOutputs : ServedOutputs
{
    public const string ProbabilityName = "probability";
    public const string LabelName = "label";
    public const string ProbabilitiesName = "probabilities";
    public const string LabelsName = "labels";

    private readonly TaskOutputs _decoder;
    private readonly string _raw;
    private readonly float[] _values;
    private readonly TaskAnswer[] _answers;
    private readonly int _width;
    private readonly Lepton.Runtime.Conformal.ConformalIntervals? _intervals;
    private readonly float[]? _band;

    /// <param name="band">(N, 2) rows of the band conformalized quantile intervals are built from, which the model answered beside its values.</param>
    public TaskAnswerOutputs(TaskOutputs decoder, string rawName, float[] values, int rows, Lepton.Runtime.Conformal.ConformalIntervals? intervals = null, float[]? band = null)
    {
        if (rows < 1 || values.Length != rows * decoder.Width)
            throw new ArgumentException($"TaskAnswerOutputs: {values.Length} values do not split into {rows} rows of {decoder.Width}.");
        _decoder = decoder;
        _raw = rawName;
        _values = values;
        _width = decoder.Width;
        Rows = rows;
        _answers = new TaskAnswer[rows];
        for (int r = 0; r < rows; r++) _answers[r] = decoder.Decode(values.AsSpan(r * _width, _width));
        _intervals = intervals;
        if (intervals is { NeedsBand: true } && band?.Length != 2 * rows)
            throw new InvalidDataException($"{Lepton.Runtime.Conformal.ConformalIntervals.FileName} widens the band of two quantile models, but the model answered no band for its {rows} rows; serve the folder with its {Lepton.Runtime.Conformal.ConformalIntervals.BandFolders.Lower} and {Lepton.Runtime.Conformal.ConformalIntervals.BandFolders.Upper}.");
        _band = band;
        Names = intervals is null ? NamesOf(decoder.Task.Kind, rawName) : [.. NamesOf(decoder.Task.Kind, rawName), .. ConformalAnswers.Names(intervals)];
    }

    public override int Rows { get; }

    public override IReadOnlyList<string> Names { get; }

    /// <summary>The decoded answer of each row.</summary>
    public IReadOnlyList<TaskAnswer> Answers => _answers;

    /// <summary>The outputs a task's response carries, the raw one first.</summary>
    public static IReadOnlyList<string> NamesOf(TaskKind kind, string raw) => kind switch
    {
        TaskKind.Binary => [raw, ProbabilityName, LabelName],
        TaskKind.MultiLabel => [raw, ProbabilitiesName, LabelsName],
        _ => [raw],
    };

    public override byte[]? WriteProtocolOutput(Utf8JsonWriter w, string name, bool binary)
    {
        if (_intervals is { } intervals && name is ConformalAnswers.LowerName or ConformalAnswers.UpperName or ConformalAnswers.SetName)
            return name == ConformalAnswers.SetName
                ? ConformalAnswers.WriteSetOutput(w, [.. Enumerable.Range(0, Rows).Select(SetLabels)], binary)
                : ConformalAnswers.WriteBoundOutput(w, name, [.. Enumerable.Range(0, Rows).Select(IntervalOf)], binary);
        if (name is LabelName or LabelsName) return InferenceResponseWriter.WriteTexts(w, [.. _answers.Select(TaskLabelText.Of)], binary);
        return InferenceResponseWriter.WriteFp32(w, name == _raw ? _values : Probabilities(), Rows, name == ProbabilityName ? 1 : _width, binary);
    }

    public override void WritePredictRow(Utf8JsonWriter w, int row, int topK)
    {
        switch (_answers[row])
        {
            case BinaryAnswer b:
                w.WriteString("label", b.Label);
                w.WritePropertyName("probability");
                InferenceResponseWriter.WriteFloat(w, (float)b.Probability);
                w.WriteBoolean("positive", b.IsPositive);
                if (_intervals is { } sets) ConformalAnswers.WriteSet(w, sets, SetLabels(row));
                break;
            case MultiLabelAnswer m:
                w.WriteStartArray("labels");
                foreach (var l in m.Labels) w.WriteStringValue(l);
                w.WriteEndArray();
                w.WriteStartObject("probabilities");
                foreach (var s in m.Probabilities)
                {
                    w.WritePropertyName(s.Label);
                    InferenceResponseWriter.WriteFloat(w, (float)s.Probability);
                }
                w.WriteEndObject();
                break;
            case RegressionAnswer r:
                if (r.Values.Count == 1)
                {
                    w.WritePropertyName("value");
                    InferenceResponseWriter.WriteFloat(w, (float)r.Values[0].Value);
                }
                w.WriteStartObject("values");
                foreach (var v in r.Values)
                {
                    w.WritePropertyName(v.Name);
                    InferenceResponseWriter.WriteFloat(w, (float)v.Value);
                }
                w.WriteEndObject();
                if (_intervals is { } intervals) ConformalAnswers.WriteInterval(w, intervals, IntervalOf(row));
                break;
        }
    }

    public override LoggedRow LogRow(int row)
    {
        var answer = _answers[row];
        int index = answer is BinaryAnswer b ? (b.IsPositive ? 1 : 0) : -1;
        var values = answer.Kind == TaskKind.Regression ? _values.AsSpan(row * _width, _width).ToArray() : RowProbabilities(row);
        return new LoggedRow(TaskLabelText.Of(answer), index, values)
        {
            Interval = answer.Kind == TaskKind.Regression && _intervals is not null ? IntervalOf(row) : null,
        };
    }

    // A regressor's interval of one row: around its value, from its band when the intervals widen two quantile models'.
    private (double Lower, double Upper) IntervalOf(int row) => _intervals!.Interval(_values[row * _width], _band, row);

    // The sigmoid probability of every value (binary: of the positive class), row-major.
    private float[] Probabilities()
    {
        var p = new float[_values.Length];
        for (int r = 0; r < Rows; r++) RowProbabilities(r).CopyTo(p.AsSpan(r * _width));
        return p;
    }

    // A yes/no model's prediction set: the classes whose probability reaches the conformal floor, and the class it answers.
    private IReadOnlyList<string> SetLabels(int row)
    {
        var b = (BinaryAnswer)_answers[row];
        return [.. _intervals!.BinarySet(b.Probability, b.IsPositive ? 1 : 0).Select(k => _decoder.Names[k])];
    }

    private float[] RowProbabilities(int row)
    {
        var p = new double[_width];
        _decoder.Probabilities(_values.AsSpan(row * _width, _width), p);
        return [.. p.Select(v => (float)v)];
    }
}
