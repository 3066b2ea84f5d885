using Lepton.Data.Tables;
using Lepton.Runtime.Tables;

namespace Lepton.Serving.Protocol;

/// <summary>
/// A table model's request once validated and encoded: the features (N, F), the raw rows they came from (null for the
/// single-tensor form, which sends features already encoded), the keys ignored as not being model columns, and whether the
/// client asked for contributions.
/// </summary>
public sealed record TableInput(FeatureMatrix Features, IReadOnlyList<IReadOnlyDictionary<string, object?>>? Rows, IReadOnlyList<string> IgnoredColumns,
    bool Contributions);

/// <summary>
/// Validates and encodes what a client sends a table model: rows as JSON objects (predict), or over the Open Inference Protocol
/// one input per raw column (shape [N] or [N,1]; BYTES for text, categories and ISO 8601 times, FP64/FP32/INT64/... for numbers,
/// BOOL for booleans) or the single encoded <c>features</c> tensor. Every problem is a 400 naming the column and the fix.
/// </summary>
public static class TableRequests
{
    /// <summary>Encodes predict rows; with <c>strict</c>, a key that is not a model column is a 400 instead of being ignored.</summary>
    public static TableInput Encode(TableInstancesRequest request, TableInputEncoder table, string model)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Strict && request.IgnoredColumns.Count > 0) throw StrictError(request.IgnoredColumns, table, model);
        return new TableInput(EncodeRows(table, request.Rows), request.Rows, request.IgnoredColumns, request.Contributions);
    }

    /// <summary>Validates an inference request to a table model (the per-column or the single-tensor form) and encodes it.</summary>
    public static TableInput Encode(InferenceRequest request, ModelSignature signature, string model)
    {
        ArgumentNullException.ThrowIfNull(request);
        var table = signature.Table ?? throw new InvalidOperationException("Not a table model.");
        bool contributions = JsonParameters.Bool(request.Parameters, "contributions", "parameters");
        bool strict = JsonParameters.Bool(request.Parameters, "strict", "parameters");
        string features = signature.Inputs[0].Name;
        if (request.Inputs.Count == 1 && request.Inputs[0].Name == features && !table.IsColumn(features))
        {
            var tensor = signature.Validate(request, model)[0];
            var matrix = table.FromTensor(tensor);
            if (table.CheckEncoded(matrix.Values) is { } problem) throw ProtocolException.BadRequest($"Input '{features}': {problem}");
            return new TableInput(matrix, null, [], contributions);
        }
        if (request.Inputs.Count > table.MaxKeysPerRow)
            throw ProtocolException.BadRequest($"The request sends {request.Inputs.Count:N0} inputs, more than the {table.MaxKeysPerRow:N0} allowed for a model of {table.Columns.Count} columns; send one input per model column.");
        int rows = -1;
        var ignored = new SortedSet<string>(StringComparer.Ordinal);
        var columns = new List<InferenceInput>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in request.Inputs)
        {
            if (!table.IsColumn(input.Name))
            {
                if (ignored.Count < TableInstancesParser.MaxIgnoredListed) ignored.Add(InferenceRequestParser.Clip(input.Name));
                continue;
            }
            if (!seen.Add(input.Name)) throw ProtocolException.BadRequest($"The request sends column '{input.Name}' twice; send each column once.");
            if (!(input.Shape.Length == 1 || (input.Shape.Length == 2 && input.Shape[1] == 1)) || input.Shape[0] < 1)
                throw ProtocolException.BadRequest($"Input '{input.Name}' has shape [{string.Join(",", input.Shape)}]; a column input holds one value per row: shape [N] (or [N,1]) with N >= 1.");
            if (rows >= 0 && input.Shape[0] != rows)
                throw ProtocolException.BadRequest($"Input '{input.Name}' has {input.Shape[0]} rows but another column has {rows}; every column needs the same number of rows.");
            rows = input.Shape[0];
            columns.Add(input);
        }
        if (strict && ignored.Count > 0) throw StrictError([.. ignored], table, model);
        if (columns.Count == 0)
            throw ProtocolException.BadRequest(
                $"No input names a column of model '{model}'; it takes {signature.InputsText}.{(ignored.Count > 0 ? $" Ignored: {string.Join(", ", ignored.Select(n => $"'{n}'"))}." : "")}");
        var list = new List<IReadOnlyDictionary<string, object?>>(rows);
        for (int r = 0; r < rows; r++)
        {
            var row = new Dictionary<string, object?>(columns.Count, StringComparer.Ordinal);
            foreach (var c in columns) row[c.Name] = CellOf(c, r);
            list.Add(row);
        }
        return new TableInput(EncodeRows(table, list), list, [.. ignored], contributions);
    }

    // One element of a column input as the encoders take it: text, a boolean, a number, or null for a NaN the server's policy let in.
    private static object? CellOf(InferenceInput input, int row)
    {
        if (input.Texts is { } texts)
        {
            string text = texts[row];
            if (text.Length > TableInputEncoder.MaxCellChars)
                throw ProtocolException.BadRequest($"Input '{input.Name}' element {row} holds more than {TableInputEncoder.MaxCellChars:N0} characters, the limit of one cell.");
            return text;
        }
        float v = input.Data[row];
        if (input.Datatype == TensorDatatype.Bool) return v != 0;
        return float.IsNaN(v) ? null : (double)v;
    }

    private static FeatureMatrix EncodeRows(TableInputEncoder table, IReadOnlyList<IReadOnlyDictionary<string, object?>> rows)
    {
        try
        {
            return table.Encode(rows);
        }
        catch (ArgumentException e)
        {
            throw ProtocolException.BadRequest(e.Message);
        }
    }

    private static ProtocolException StrictError(IReadOnlyList<string> ignored, TableInputEncoder table, string model) => ProtocolException.BadRequest(
        $"Model '{model}' has no column{(ignored.Count == 1 ? "" : "s")} {string.Join(", ", ignored.Select(n => $"'{n}'"))} (strict mode); its columns are {string.Join(", ", table.Columns.Select(c => $"'{c.Name}'"))}.");
}
