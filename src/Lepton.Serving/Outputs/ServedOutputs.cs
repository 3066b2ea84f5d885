using System.Text.Json;

namespace Lepton.Serving.Outputs;

/// <summary>
/// What the prediction log keeps of one answered row: the top label and index (null and -1 when the model is not a classifier), its
/// output values, and a regressor's conformal interval as answered (an open side infinite), which monitoring judges against feedback.
/// </summary>
public readonly record struct LoggedRow(string? TopLabel, int TopIndex, float[] Values)
{
    public (double Lower, double Upper)? Interval { get; init; }
}

/// <summary>
/// One batch's answer as the server gives it, row by row: written as Open Inference Protocol outputs, as the rows of
/// <c>/models/{name}/predict</c>, and into the prediction log. Each output kind (classifier, raw tensors, ...) has one subclass.
/// </summary>
public abstract class ServedOutputs
{
    public abstract int Rows { get; }

    /// <summary>The outputs a response carries when the request names none, in order.</summary>
    public abstract IReadOnlyList<string> Names { get; }

    /// <summary>
    /// Writes the body of OIP output <paramref name="name"/> (shape, datatype, then data, or with <paramref name="binary"/> the
    /// binary_data_size parameter) and returns the bytes that follow the JSON in the binary case, else null.
    /// </summary>
    public abstract byte[]? WriteProtocolOutput(Utf8JsonWriter w, string name, bool binary);

    /// <summary>Writes the fields of one row of a <c>/models/{name}/predict</c> answer (inside the row's object).</summary>
    public abstract void WritePredictRow(Utf8JsonWriter w, int row, int topK);

    /// <summary>What the prediction log keeps of row <paramref name="row"/>.</summary>
    public abstract LoggedRow LogRow(int row);
}
